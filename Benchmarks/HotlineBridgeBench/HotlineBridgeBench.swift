import Foundation
import HotlineAdapter
import HotlineCore
import HotlinePBXBridge
import HotlineProtocol
import HotlineStore
import HotlineSystem
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// `make bench`, the PBX bridge's part: how fast the AMI and ESL frame parsers read the recorded transcripts, and
/// how many events per second go from a fake Asterisk manager through the real `hotline-pbx-bridge` into a real
/// hotlined (with acks), next to hotlined's own ingest of the same events from the reference adapter.
///
/// Needs HOTLINE_TEST_DATABASE (a superuser conninfo on database `postgres`) for the second part and release
/// `hotlined` and `hotline-pbx-bridge` next to this binary; `HOTLINE_BENCH_ONLY=parse` runs the first part alone.
/// `HOTLINE_BENCH_BRIDGE_BASELINE=<path>` also measures another `hotline-pbx-bridge` binary (an earlier commit's)
/// in the same run, first, for a before-and-after figure.
@main
struct HotlineBridgeBench {
    static let replays = Int(ProcessInfo.processInfo.environment["HOTLINE_BENCH_REPLAYS"] ?? "") ?? 10_000
    static let calls = Int(ProcessInfo.processInfo.environment["HOTLINE_BENCH_BRIDGE_CALLS"] ?? "") ?? 2_000
    /// The transcripts of the tests: recorded from the real PBXs in ../shared, copied into the repository.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Tests/HotlinePBXBridgeTests/Fixtures").standardized.path

    static func main() throws {
        try parsing()
        guard ProcessInfo.processInfo.environment["HOTLINE_BENCH_ONLY"] != "parse" else { return }
        guard let admin = ProcessInfo.processInfo.environment["HOTLINE_TEST_DATABASE"] else {
            print("hotline-bridge-bench: set HOTLINE_TEST_DATABASE (run it with `make bench`)")
            exit(2)
        }
        try throughBridge(admin: admin)
    }

    // MARK: - Frame parsers

    static func transcripts(_ directory: String, ending suffix: String) throws -> [[UInt8]] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(suffix) }.sorted().map {
            Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0)))
        }
    }

    /// Frames per second over every transcript read `replays` times, each read by a fresh parser as a connection
    /// would be, in 64 KiB reads.
    static func rate(_ label: String, transcripts: [[UInt8]], parse: ([UInt8]) -> Int) {
        let bytes = transcripts.reduce(0) { $0 + $1.count }
        var frames = 0
        let start = Date()
        for _ in 0..<replays {
            for transcript in transcripts { frames += parse(transcript) }
        }
        let seconds = Date().timeIntervalSince(start)
        print(
            String(
                format: "  %@ %9.0f frames/s  (%d frames, %.1f MB/s)",
                label,
                Double(frames) / seconds,
                frames,
                Double(bytes * replays) / seconds / 1e6
            )
        )
    }

    static func chunks(_ bytes: [UInt8]) -> some Sequence<ArraySlice<UInt8>> {
        stride(from: 0, to: bytes.count, by: 65_536).lazy.map { bytes[$0..<min($0 + 65_536, bytes.count)] }
    }

    static func parsing() throws {
        let ami = try transcripts(fixtures, ending: ".ami")
        let esl = try transcripts(fixtures + "/freeswitch", ending: ".esl")
        print("hotline-bridge-bench: \(ami.count) AMI and \(esl.count) ESL transcripts, each read \(replays) times")
        rate("AMI frame parser:", transcripts: ami) { transcript in
            var parser = AMIFrameParser()
            var frames = 0
            for chunk in chunks(transcript) {
                parser.append(chunk)
                while let item = parser.next() {
                    if case .frame = item { frames += 1 }
                }
            }
            return frames
        }
        rate("ESL frame parser:", transcripts: esl) { transcript in
            var parser = ESLFrameParser()
            var frames = 0
            for chunk in chunks(transcript) {
                parser.append(chunk)
                while let result = parser.next() {
                    if case .success = result { frames += 1 }
                }
            }
            return frames
        }
    }

    // MARK: - Through the bridge

    /// `calls` copies of answered.ami's call, each under Linkedids of its own, as the frames a logged-in bridge
    /// reads (banner, login answer and queue-member changes left out).
    static func generatedCalls() throws -> [UInt8] {
        let text = String(
            decoding: try Data(contentsOf: URL(fileURLWithPath: fixtures + "/answered.ami")),
            as: UTF8.self
        )
        let blocks = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n").filter {
            $0.hasPrefix("Event: ") && !$0.hasPrefix("Event: QueueMember")
        }
        let call = (blocks.joined(separator: "\n\n") + "\n\n").replacingOccurrences(of: "\n", with: "\r\n")
        var bytes: [UInt8] = []
        for index in 0..<calls {
            bytes += Array(call.replacingOccurrences(of: "pbx1-1796018840.", with: "pbx1-\(2_000_000 + index).").utf8)
        }
        return bytes
    }

    /// The events the bridge makes of `frames`, made here by the same call model.
    static func expectedEvents(_ frames: [UInt8]) throws -> [PBXEvent] {
        var model = AsteriskCallModel(
            policy: CallPolicy(queues: ["complaints"], withheldNumber: try PhoneNumber(validating: "000"))
        )
        var parser = AMIFrameParser(expectBanner: false)
        parser.append(frames)
        var events: [PBXEvent] = []
        let at = Date()
        while let item = parser.next() {
            if case .frame(let frame) = item { events += model.handle(frame, at: at) }
        }
        return events
    }

    static func throughBridge(admin: String) throws {
        let logger = Logger(label: "bench")
        let frames = try generatedCalls()
        let events = try expectedEvents(frames)
        print("hotline-bridge-bench: \(calls) answered calls from a fake AMI server, \(events.count) events")

        // hotlined's own ingest of the same events, from the reference adapter.
        let direct = try BenchDaemon(admin: admin, name: "bridge_direct", logger: logger)
        let lines = events.map { Array($0.encodedLine().dropLast()) }
        let directStart = Date()
        _ = try AdapterConnection(path: direct.pbxSocket, window: 4000).deliver(lines)
        let directRate = Double(events.count) / Date().timeIntervalSince(directStart)
        direct.stop()
        print(String(format: "  hotlined, from the reference adapter:   %9.0f events/s", directRate))

        // The same through the bridge; and through an earlier bridge binary when one is given, to compare.
        var baselineRate: Double?
        if let baseline = ProcessInfo.processInfo.environment["HOTLINE_BENCH_BRIDGE_BASELINE"], !baseline.isEmpty {
            let rate = try bridgeRate(
                binary: baseline,
                name: "bridge_baseline",
                frames: frames,
                events: events,
                admin: admin
            )
            print(String(format: "  through the baseline bridge, acked:     %9.0f events/s  (%@)", rate, baseline))
            baselineRate = rate
        }
        let bridgeRate = try bridgeRate(
            binary: BenchDaemon.binDirectory + "/hotline-pbx-bridge",
            name: "bridge_ami",
            frames: frames,
            events: events,
            admin: admin
        )
        let frameCount = frames.count > 0 ? calls * (expectedFramesPerCall(frames)) : 0
        print(
            String(
                format: "  through hotline-pbx-bridge, acked:     %9.0f events/s  (%.0f AMI frames/s)",
                bridgeRate,
                bridgeRate * Double(frameCount) / Double(max(events.count, 1))
            )
        )
        if let baselineRate {
            print(String(format: "  bridge / baseline bridge:              %9.1f x", bridgeRate / baselineRate))
        }
        print(String(format: "  bridge / hotlined's own ingest:        %9.1f %%", 100 * bridgeRate / directRate))
        let baselineField = baselineRate.map { ",\"baseline_bridge_events_per_second\":\(Int($0))" } ?? ""
        let report = """
            {"replays":\(replays),"calls":\(calls),"events":\(events.count),\
            "hotlined_events_per_second":\(Int(directRate)),"bridge_events_per_second":\(Int(bridgeRate))\(baselineField)}
            """
        try? FileManager.default.createDirectory(atPath: "bench-results", withIntermediateDirectories: true)
        try? report.write(toFile: "bench-results/bridge.json", atomically: true, encoding: .utf8)
    }

    /// Events per second from a fake manager through the bridge `binary` into a fresh hotlined, acked: from the
    /// first frame sent to the last event stored. Fails when not every event was stored within ten minutes.
    static func bridgeRate(binary: String, name: String, frames: [UInt8], events: [PBXEvent], admin: String) throws
        -> Double
    {
        let daemon = try BenchDaemon(admin: admin, name: name, logger: Logger(label: "bench"))
        defer { daemon.stop() }
        let server = try FakeManager(frames: frames)
        let secretFile = daemon.directory + "/ami.secret"
        try "bench-secret\n".write(toFile: secretFile, atomically: true, encoding: .utf8)
        let bridge = try ChildProcess.spawn(
            binary,
            [
                "asterisk", "--ami", "127.0.0.1:\(server.port)", "--user", "bench", "--secret-file", secretFile,
                "--pbx-socket", daemon.pbxSocket, "--state-dir", daemon.directory + "/bridge", "--queue",
                "complaints",
            ],
            stdoutPath: daemon.directory + "/bridge.log"
        )
        defer {
            bridge.signal(SIGKILL)
            _ = try? bridge.wait()
        }
        let streamStart = try server.serve()
        let stored = try daemon.waitForEvents(events.count, timeout: 600)
        let rate = Double(stored) / Date().timeIntervalSince(streamStart)
        guard stored >= events.count else {
            // Kept for the reader: why the bridge fell short.
            let log = (try? String(contentsOfFile: daemon.directory + "/bridge.log", encoding: .utf8)) ?? ""
            print(log.split(separator: "\n").suffix(20).joined(separator: "\n"))
            throw BenchError("\(binary): \(stored) of \(events.count) events stored")
        }
        return rate
    }

    static func expectedFramesPerCall(_ frames: [UInt8]) -> Int {
        var parser = AMIFrameParser(expectBanner: false)
        parser.append(frames)
        var count = 0
        while let item = parser.next() {
            if case .frame = item { count += 1 }
        }
        return count / max(calls, 1)
    }
}

/// A manager on 127.0.0.1 for one connection: the banner, the MD5 challenge, any key accepted, empty channel and
/// queue lists, then the frames, as fast as the bridge reads them.
final class FakeManager {
    let port: UInt16
    private let listener: UnixSocket
    private let frames: [UInt8]

    init(frames: [UInt8]) throws {
        (listener, port) = try TCPSocket.listenOnLoopback()
        self.frames = frames
    }

    /// Answers the bridge's login conversation, starts sending the frames and returns when it started.
    func serve() throws -> Date {
        guard let connection = try listener.accept() else { throw BenchError("no connection from the bridge") }
        try connection.write(Array("Asterisk Call Manager/6.0.0\r\n".utf8))
        var parser = AMIFrameParser(expectBanner: false)
        var answered = Set<String>()
        while !answered.contains("QueueStatus") {
            let bytes = try connection.read()
            guard !bytes.isEmpty else { throw BenchError("the bridge hung up during the login") }
            parser.append(bytes)
            while let item = parser.next() {
                guard case .frame(let action) = item, let name = action["Action"] else { continue }
                let id = action["ActionID"] ?? ""
                var reply = "Response: Success\r\nActionID: \(id)\r\n"
                switch name {
                case "Challenge": reply += "Challenge: 840302657\r\n\r\n"
                case "Login": reply += "Message: Authentication accepted\r\n\r\n"
                case "CoreShowChannels":
                    reply += "\r\nEvent: CoreShowChannelsComplete\r\nActionID: \(id)\r\nListItems: 0\r\n\r\n"
                case "QueueStatus": reply += "\r\nEvent: QueueStatusComplete\r\nActionID: \(id)\r\n\r\n"
                default: reply += "\r\n"
                }
                try connection.write(Array(reply.utf8))
                answered.insert(name)
            }
        }
        let start = Date()
        let frames = frames
        Thread.detachNewThread {
            // A bridge that falls behind makes this write wait: the socket's own flow control, as with Asterisk.
            try? connection.write(frames)
        }
        return start
    }
}

/// A release hotlined on a fresh database of the bench cluster.
struct BenchDaemon {
    let process: ChildProcess
    let directory: String
    let database: String
    var pbxSocket: String { directory + "/pbx.sock" }

    static var binDirectory: String { URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path }

    init(admin: String, name: String, logger: Logger) throws {
        let connection = try PGConnection(conninfo: admin)
        let unique = "\(name)_\(Int(Date().timeIntervalSince1970))"
        // Built here from a constant and digits; identifiers cannot be parameters.
        try connection.command("CREATE DATABASE \(unique)")
        connection.close()
        database = admin.replacingOccurrences(of: "dbname=postgres", with: "dbname=\(unique)")
        let target = try PGConnection(conninfo: database)
        _ = try Migrator(logger: logger).migrate(target)
        try target.runScript(
            """
            INSERT INTO hotline.departments (code, name) VALUES ('SVC', '客服部');
            INSERT INTO hotline.staff (login, name, department, rank, roles, extension)
                VALUES ('zhangsan', '张三', 'SVC', 2, '{operator}', '8001'), ('lisi', '李四', 'SVC', 5, '{operator}', '8002');
            """
        )
        target.close()
        directory = "/tmp/hotline-bridge-bench-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        process = try ChildProcess.spawn(
            Self.binDirectory + "/hotlined",
            [
                "--database", database, "--pbx-socket", directory + "/pbx.sock", "--control-socket",
                directory + "/control.sock", "--state-dir", directory + "/state",
            ],
            stdoutPath: directory + "/hotlined.log"
        )
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: pbxSocket) {
            guard Date() < deadline else { throw BenchError("hotlined did not start") }
            usleep(50_000)
        }
    }

    /// Polls the event table until it holds `count` rows or `timeout` passes; returns the rows stored.
    func waitForEvents(_ count: Int, timeout: TimeInterval) throws -> Int {
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        let deadline = Date().addingTimeInterval(timeout)
        var stored = 0
        while Date() < deadline {
            stored =
                try connection.query("SELECT count(*) AS n FROM hotline.pbx_events").first?.decode("n", as: Int.self)
                ?? 0
            if stored >= count { break }
            usleep(20_000)
        }
        return stored
    }

    func stop() {
        process.signal(SIGTERM)
        _ = try? process.wait(timeout: 30)
        try? FileManager.default.removeItem(atPath: directory)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
