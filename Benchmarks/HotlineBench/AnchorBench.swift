import Foundation
import HotlineAdapter
import HotlineCore
import HotlineProtocol
import HotlineStore
import HotlineSystem
import Logging

/// `HOTLINE_BENCH_ONLY=anchors` (and part of `make bench`): what anchoring hops outside the database (issue 17)
/// costs `complaint transfer`, whose transaction writes two hops (the transfer and the copy to QA). Two release
/// daemons on two databases of the same PostgreSQL (fsync on), one anchoring and one with `[audit] anchor =
/// false`, their state directories — and so the anchor files — on the same disk as the database; transfers go to
/// them in turn, so that both see the same load on a shared machine. The latency is the control round trip as
/// hotlinectl sees it, without the process start. Then the seal of a quarter: PeriodSeal over a million hop hashes.
extension HotlineBench {
    static let anchorTransfers = Int(ProcessInfo.processInfo.environment["HOTLINE_BENCH_TRANSFERS"] ?? "") ?? 1_000

    static func anchors(admin: String, logger: Logger) throws {
        print("")
        print("hotline-bench: complaint transfer latency with and without anchoring, \(anchorTransfers) transfers each")
        let configuration = "/tmp/hotline-bench-noanchor-\(getpid()).toml"
        try "[audit]\nanchor = false\n".write(toFile: configuration, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: configuration) }
        var daemons: [(label: String, daemon: Daemon, ids: [String])] = []
        for (label, extra) in [("anchored", [String]()), ("not anchored", ["--config", configuration])] {
            let database = try makeDatabase(admin: admin, name: "bench_anchor", logger: logger)
            let setup = try PGConnection(conninfo: database)
            try setup.runScript(
                """
                INSERT INTO hotline.departments (code, name, is_coordination) VALUES ('QA', '质检部', true),
                    ('SVC', '客服部', false), ('INST', '安装部', false);
                INSERT INTO hotline.staff (login, name, department, rank, roles)
                    VALUES ('zhangsan', '张三', 'SVC', 2, '{operator}'), ('wangwu', '王五', 'INST', 2, '{handler}');
                """
            )
            setup.close()
            let daemon = try Daemon(database: database, arguments: extra)
            var ids: [String] = []
            for index in 0..<anchorTransfers {
                let filed = try control(
                    daemon,
                    .complaintFile(ComplaintFiling(matter: "热水器漏水 \(index)")),
                    actAs: "zhangsan"
                )
                guard let id = filed["id"]?.stringValue else {
                    throw ChildProcessError(program: "hotlined", reason: "complaint file answered \(filed)")
                }
                ids.append(id)
            }
            daemons.append((label, daemon, ids))
        }
        var latencies: [[Double]] = daemons.map { _ in [] }
        for index in 0..<anchorTransfers {
            for (which, entry) in daemons.enumerated() {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try control(
                    entry.daemon,
                    .complaint(id: entry.ids[index], .transfer(to: "INST", reason: "安装问题")),
                    actAs: "zhangsan"
                )
                latencies[which].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
        }
        var figures: [String] = []
        for (which, entry) in daemons.enumerated() {
            let summary = LatencySummary(latencies[which])
            print(
                String(
                    format: "  complaint transfer, %@: p50 %6.2f ms  p99 %6.2f ms",
                    entry.label.padding(toLength: 12, withPad: " ", startingAt: 0),
                    summary.p50 * 1000,
                    summary.p99 * 1000
                )
            )
            figures.append(
                "\"\(entry.label == "anchored" ? "anchored" : "not_anchored")\":{\"p50_ms\":\(summary.p50 * 1000),"
                    + "\"p99_ms\":\(summary.p99 * 1000)}"
            )
        }
        let anchoredFiles =
            (try? FileManager.default.contentsOfDirectory(atPath: daemons[0].daemon.directory + "/state/audit")) ?? []
        let unanchoredFiles =
            (try? FileManager.default.contentsOfDirectory(atPath: daemons[1].daemon.directory + "/state/audit")) ?? []
        print("  anchor files written: \(anchoredFiles.count) anchoring, \(unanchoredFiles.count) not anchoring")
        let p50 = LatencySummary(latencies[0]).p50 - LatencySummary(latencies[1]).p50
        let p99 = LatencySummary(latencies[0]).p99 - LatencySummary(latencies[1]).p99
        print(String(format: "  cost of anchoring: p50 %+.2f ms, p99 %+.2f ms per transfer", p50 * 1000, p99 * 1000))
        for entry in daemons { entry.daemon.stop() }

        // The seal of a busy quarter: a million hops (a year of 1,000,000 complaints with four hops each, a quarter
        // of it), the hashes sorted and hashed into the Merkle root.
        let hops = (0..<1_000_000).map { index in
            PeriodSeal.Hop(
                complaintID: String(index / 4 + 1),
                sequence: index % 4 + 1,
                hash: SHA256.hash(utf8: String(index))
            )
        }
        let sealStart = Date()
        let root = PeriodSeal.root(hops)
        let sealSeconds = Date().timeIntervalSince(sealStart)
        print(
            String(
                format: "  seal of 1,000,000 hops (sort and Merkle root): %6.0f ms  (%@…)",
                sealSeconds * 1000,
                String(Hex.encode(root).prefix(8))
            )
        )
        figures.append("\"seal_million_hops_ms\":\(sealSeconds * 1000)")
        try? FileManager.default.createDirectory(atPath: "bench-results", withIntermediateDirectories: true)
        try? ("{\"transfers\":\(anchorTransfers)," + figures.joined(separator: ",") + "}").write(
            toFile: "bench-results/anchors.json",
            atomically: true,
            encoding: .utf8
        )
    }

    /// One control request to the daemon and its result, as hotlinectl sends it (as root, acting as `actAs`).
    static func control(_ daemon: Daemon, _ command: ControlCommand, actAs: String?) throws -> JSONValue {
        let socket = try UnixSocket.connect(path: daemon.directory + "/control.sock")
        defer { socket.close() }
        try socket.write(ControlRequest(command, actAs: actAs).encodedLine())
        var buffer: [UInt8] = []
        while true {
            let chunk = try socket.read()
            if chunk.isEmpty { break }
            buffer += chunk
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                switch try ControlResponse.decode(line: buffer[..<newline]) {
                case .success(let result): return result
                case .failure(let error): throw error
                }
            }
        }
        throw ChildProcessError(program: "hotlined", reason: "closed the control connection without answering")
    }
}
