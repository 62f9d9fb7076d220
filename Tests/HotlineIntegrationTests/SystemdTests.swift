import Foundation
import HotlineProtocol
import HotlineSystem
import HotlineTestSupport
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

    @Test("one socket unit for both sockets (one FileDescriptorName for all): each is known by its bound path")
    func socketActivationByPath() throws {
        let launcherDirectory = "/tmp/hl-sp-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: launcherDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: launcherDirectory) }
        let pbxPath = launcherDirectory + "/pbx.sock"
        let controlPath = launcherDirectory + "/control.sock"
        let daemon = try DaemonHarness(
            arguments: [
                "--database", try TestEnvironment.makeDatabase(), "--pbx-socket", pbxPath, "--control-socket",
                controlPath,
            ],
            launcher: [
                "/usr/bin/systemd-socket-activate", "-l", controlPath, "-l", pbxPath, "--fdname=hotlined:hotlined",
            ],
            readinessSocket: controlPath
        )
        let client = try PBXTestClient(path: pbxPath)
        let acks = try client.exchange([Events.ended("sp-1", call: "sp", at: "2026-11-30T09:00:00+08:00")])
        #expect(acks.first?.isStored == true)
        #expect(daemon.log().components(separatedBy: "socket passed by systemd").count == 3)
        #expect(!daemon.log().contains("socket listening"))
        #expect(daemon.stop() == 0)
        #expect(FileManager.default.fileExists(atPath: pbxPath))
    }

    @Test("SIGHUP reloads config and calendar files: RELOADING=1 then READY=1; a bad config keeps the old one")
    func reloadOnHangup() throws {
        let notifyPath = "/tmp/hl-notify-\(UUID().uuidString.prefix(8)).sock"
        let notify = try UnixDatagramSocket(bindingTo: notifyPath)
        defer { unlink(notifyPath) }
        let configDirectory = "/tmp/hl-conf-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: configDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: configDirectory) }
        let configPath = configDirectory + "/hotlined.toml"
        try "[policy]\nwarning_share = 0.8\n".write(toFile: configPath, atomically: true, encoding: .utf8)
        let daemon = try DaemonHarness(
            arguments: ["--database", try TestEnvironment.makeDatabase(), "--config", configPath],
            environment: ["NOTIFY_SOCKET": notifyPath]
        )
        defer { _ = daemon.stop() }
        /// Messages until one contains `marker` (or 10 s pass).
        func receive(until marker: String) -> [String] {
            var messages: [String] = []
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                guard let message = notify.receive(timeout: 0.5) else { continue }
                messages.append(message)
                if message.contains(marker) { break }
            }
            return messages
        }
        func december7() throws -> JSONValue? {
            try daemon.ctlJSON(["calendar", "show", "--month", "2026-12"])["days"]?.arrayValue?.first {
                $0["date"] == .string("2026-12-07")
            }
        }
        #expect(receive(until: "READY=1").contains { $0.contains("READY=1") })
        #expect(try december7()?["working"] == .bool(true))

        // A new calendar file named in the config: in force after SIGHUP, without a restart.
        try "2026-12-07 holiday 演练日\n".write(
            toFile: configDirectory + "/extra.txt",
            atomically: true,
            encoding: .utf8
        )
        try "[calendar]\nfiles = [\"\(configDirectory)/extra.txt\"]\n[policy]\nwarning_share = 0.8\n".write(
            toFile: configPath,
            atomically: true,
            encoding: .utf8
        )
        daemon.process.signal(SIGHUP)
        let reloaded = receive(until: "READY=1")
        let reloading = try #require(reloaded.firstIndex { $0.contains("RELOADING=1") })
        let ready = try #require(reloaded.firstIndex { $0.contains("READY=1") })
        #expect(reloading < ready)
        #expect(reloaded[reloading].contains("MONOTONIC_USEC="))
        #expect(reloaded[ready].contains("STATUS=serving; configuration reloaded"))
        #expect(try december7()?["working"] == .bool(false))
        #expect(try december7()?["override"] == .string("holiday"))

        // A bad value: refused with file, line and key; the daemon keeps serving with the previous configuration.
        try "[calendar]\nfiles = [\"\(configDirectory)/extra.txt\"]\n[policy]\nwarning_share = 7\n".write(
            toFile: configPath,
            atomically: true,
            encoding: .utf8
        )
        daemon.process.signal(SIGHUP)
        let refused = receive(until: "READY=1")
        #expect(refused.contains { $0.contains("RELOADING=1") })
        let refusal = try #require(refused.first { $0.contains("READY=1") })
        #expect(refusal.contains("reload refused"))
        #expect(refusal.contains("policy.warning_share"))
        #expect(daemon.log().contains("reload refused, the previous configuration stays in force"))
        #expect(daemon.process.isRunning)
        #expect(try december7()?["working"] == .bool(false))
        #expect(try daemon.ctlJSON(["status"])["database"] == .string("ok"))
    }
}
