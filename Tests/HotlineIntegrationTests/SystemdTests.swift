import Foundation
import HotlineProtocol
import HotlineSystem
import Testing

/// systemd integration without systemd: a stand-in NOTIFY_SOCKET, and systemd-socket-activate passing sockets.
@Suite("systemd integration")
struct SystemdTests {
    @Test("READY=1 after the sockets are bound, WATCHDOG=1 at half the interval, STOPPING=1 on SIGTERM")
    func notifications() throws {
        let notifyPath = "/tmp/hl-notify-\(UUID().uuidString.prefix(8)).sock"
        let notify = try UnixDatagramSocket(bindingTo: notifyPath)
        let daemon = try DaemonHarness(
            arguments: ["--database", try TestEnvironment.makeDatabase()],
            environment: ["NOTIFY_SOCKET": notifyPath, "WATCHDOG_USEC": "1000000"]
        )
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, messages.filter({ $0.contains("WATCHDOG=1") }).count < 2 {
            if let message = notify.receive(timeout: 0.5) { messages.append(message) }
        }
        let ready = try #require(messages.first { $0.contains("READY=1") })
        #expect(ready.contains("STATUS="))
        #expect(messages.filter { $0.contains("WATCHDOG=1") }.count >= 2)
        // The sockets answered before READY: the harness reached `status` over the control socket.
        #expect(FileManager.default.fileExists(atPath: daemon.directory + "/pbx.sock"))
        daemon.process.signal(SIGTERM)
        var stopping = false
        let stopDeadline = Date().addingTimeInterval(10)
        while !stopping, Date() < stopDeadline {
            if let message = notify.receive(timeout: 0.5), message.contains("STOPPING=1") { stopping = true }
        }
        #expect(stopping)
        #expect(try daemon.process.wait(timeout: 30) == 0)
    }

    @Test("sockets passed by socket activation (FileDescriptorName pbx and control) are used, not re-bound")
    func socketActivation() throws {
        let launcherDirectory = "/tmp/hl-sa-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: launcherDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: launcherDirectory) }
        let pbxPath = launcherDirectory + "/pbx.sock"
        let controlPath = launcherDirectory + "/control.sock"
        // systemd-socket-activate binds both and starts hotlined on the first connection. hotlined's own
        // --control-socket/--pbx-socket point elsewhere: if it bound those, the test would not reach it.
        let daemon = try DaemonHarness(
            arguments: ["--database", try TestEnvironment.makeDatabase()],
            launcher: [
                "/usr/bin/systemd-socket-activate", "-l", pbxPath, "-l", controlPath, "--fdname=pbx:control",
                "-E", "HOTLINE_TEST=1",
            ],
            readinessSocket: controlPath
        )
        let status = try daemon.ctlJSON(["status"], socket: controlPath)
        #expect(status["database"] == .string("ok"))
        #expect(!FileManager.default.fileExists(atPath: daemon.directory + "/control.sock"))
        let client = try PBXTestClient(path: pbxPath)
        let acks = try client.exchange([Events.ended("sa-1", call: "sa", at: "2026-11-30T09:00:00+08:00")])
        #expect(acks.first?.isStored == true)
        #expect(daemon.log().contains("socket passed by systemd"))
        #expect(daemon.stop() == 0)
        // The sockets belong to the launcher: hotlined did not remove them.
        #expect(FileManager.default.fileExists(atPath: controlPath))
    }
}
