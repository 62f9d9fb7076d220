import Foundation
import HotlineProtocol
import HotlineSystem
import HotlineTestSupport
import Testing

/// A real `hotlined` process for one test, with its sockets in a private temporary directory.
final class DaemonHarness {
    let directory: String
    let process: ChildProcess
    let logPath: String
    var controlSocket: String { directory + "/control.sock" }

    /// Sends `request` straight to the control socket, as a client that skips hotlinectl's own checks would, and
    /// returns the daemon's answer.
    func send(_ request: ControlRequest) throws -> ControlResponse {
        let connection = try UnixSocket.connect(path: controlSocket)
        defer { connection.close() }
        try connection.write(request.encodedLine())
        var answer: [UInt8] = []
        while !answer.contains(UInt8(ascii: "\n")) {
            let chunk = try connection.read()
            if chunk.isEmpty { break }
            answer += chunk
        }
        return try ControlResponse.decode(line: answer.prefix { $0 != UInt8(ascii: "\n") })
    }

    /// Starts `hotlined` with `arguments` (plus private socket and state paths) and waits until `status` answers.
    /// `launcher` runs hotlined through another program (systemd-socket-activate, runuser); `environment` adds
    /// variables. With `runAs`, a copy of hotlined runs as that Unix user, owning the directory.
    init(
        arguments: [String],
        startupTimeout: TimeInterval = 60,
        environment extra: [String: String] = [:],
        launcher: [String] = [],
        readinessSocket: String? = nil,
        runAs user: String? = nil
    ) throws {
        directory = "/tmp/hl-" + String(UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var program = TestEnvironment.binDirectory + "/hotlined"
        var launcher = launcher
        if let user {
            // The checkout may sit where another user cannot enter: the user runs a copy beside the sockets.
            program = directory + "/hotlined"
            try TestEnvironment.copyExecutable(TestEnvironment.binDirectory + "/hotlined", to: program)
            let owned = try ProcessRunner.run(["/bin/chown", user, directory])
            guard owned.status == 0 else { throw TestSetupError.command("chown \(directory)", owned.output) }
            launcher = ["/usr/sbin/runuser", "-u", user, "--"] + launcher
        }
        logPath = directory + "/hotlined.log"
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NOTIFY_SOCKET")
        environment.merge(extra) { $1 }
        let command =
            launcher + [program]
            + [
                "--control-socket", directory + "/control.sock", "--pbx-socket", directory + "/pbx.sock",
                "--state-dir", directory + "/state",
            ] + arguments
        process = try ChildProcess.spawn(
            command[0],
            Array(command.dropFirst()),
            stdoutPath: logPath,
            environment: environment
        )
        let deadline = Date().addingTimeInterval(startupTimeout)
        while true {
            if let result = try? ctl(["status", "--json"], socket: readinessSocket), result.status == 0 { break }
            guard process.isRunning else {
                throw TestSetupError.command("hotlined exited early", log())
            }
            guard Date() < deadline else { throw TestSetupError.timeout("hotlined start: \(log())") }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Runs `hotlinectl` against this daemon.
    func ctl(_ arguments: [String], environment: [String: String] = [:], socket: String? = nil) throws
        -> ProcessRunner.Result
    {
        try ProcessRunner.run(
            [TestEnvironment.binDirectory + "/hotlinectl", "--socket", socket ?? controlSocket] + arguments,
            environment: ["LANG": "C"].merging(environment) { $1 }
        )
    }

    /// Runs `hotlinectl … --json` and parses what it printed.
    /// Polls `complaint show ID` until `condition` holds and returns the last answer (the scheduler acts within a
    /// second of the clock moving).
    func complaintShown(_ id: String, timeout: TimeInterval = 5, until condition: (JSONValue) -> Bool) throws
        -> JSONValue
    {
        var shown = try ctlJSON(["complaint", "show", id])
        try TestEnvironment.waitUntil(timeout: timeout) {
            if condition(shown) { return true }
            shown = try ctlJSON(["complaint", "show", id])
            return condition(shown)
        }
        return shown
    }

    func ctlJSON(_ arguments: [String], socket: String? = nil) throws -> JSONValue {
        let result = try ctl(arguments + ["--json"], socket: socket)
        #expect(result.status == 0, "hotlinectl \(arguments) failed: \(result.stderr)")
        return try JSONValue.parse(Array(result.stdout.utf8))
    }

    /// SIGTERM, then wait for a clean exit; returns the exit status.
    @discardableResult
    func stop(timeout: TimeInterval = 30) -> Int32 {
        process.signal(SIGTERM)
        if let status = try? process.wait(timeout: timeout) { return status }
        process.signal(SIGKILL)
        return (try? process.wait()) ?? -1
    }

    deinit {
        if process.isRunning {
            process.signal(SIGKILL)
            _ = try? process.wait()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
