import Foundation
import HotlineProtocol
import HotlineTestSupport
import Testing

/// Issue 19, day two: metrics in the Prometheus text format, by `hotlinectl metrics` and a textfile.
@Suite("Metrics")
struct MetricsTests {
    /// Checks the text exposition format line by line (the subset hotlined writes) and returns the samples.
    private func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        let sample = #/^([a-z_][a-z0-9_]*)(\{[a-z_]+="[^"\\\n]*"(,[a-z_]+="[^"\\\n]*")*\})? (-?[0-9.e+-]+|\+Inf|NaN)$/#
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") || line.hasPrefix("# HELP ") { continue }
            guard let match = try? sample.wholeMatch(in: String(line)), let value = Double(match.output.4) else {
                Issue.record("not a sample line: \(line)")
                continue
            }
            samples[String(match.output.1) + String(match.output.2 ?? "")] = value
        }
        return samples
    }

    @Test("hotlinectl metrics counts exactly the events, refusals and breaches; the textfile parses and is whole")
    func countsAndTextfile() throws {
        let database = try TestEnvironment.makeDatabase()
        let directory = "/tmp/hl-metrics-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/hotlined.toml"
        let textfile = directory + "/hotline.prom"
        try "[metrics]\ntextfile = \"\(textfile)\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try DaemonHarness(arguments: [
            "--database", database, "--config", config, "--clock", "manual", "--clock-start",
            "2026-11-30T09:00:00+08:00",
        ])
        _ = try daemon.ctlJSON(["dept", "add", "SVC", "--name", "客服部"])
        _ = try daemon.ctlJSON(["staff", "add", "zhangsan", "--name", "张三", "--dept", "SVC"])
        // Three events stored, one resent (duplicate), two refused (bad JSON, unknown type).
        let client = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        let offered =
            #"{"v":1,"id":"m1","type":"call.offered","at":"2026-11-30T09:00:00+08:00","call":"c1","from":"13800138000","to":"12345"}"#
        let acks = try client.exchange([
            offered,
            #"{"v":1,"id":"m2","type":"call.answered","at":"2026-11-30T09:00:05+08:00","call":"c1","agents":["8001"]}"#,
            #"{"v":1,"id":"m3","type":"call.ended","at":"2026-11-30T09:01:00+08:00","call":"c1","cause":"normal"}"#,
            offered, "{not json",
            #"{"v":1,"id":"m5","type":"call.teleported","at":"2026-11-30T09:01:00+08:00","call":"c1"}"#,
        ])
        #expect(acks.count == 6)
        // A complaint left untransferred: its transfer deadline warns and breaches.
        _ = try daemon.ctlJSON(["complaint", "file", "--matter", "漏水", "--as", "zhangsan"])
        _ = try daemon.ctlJSON(["clock", "advance", "50m"])
        try TestEnvironment.waitUntil(timeout: 10) {
            samples(try daemon.ctl(["metrics"]).stdout)[
                #"hotline_deadlines_fired_total{kind="transfer",event="warning"}"#
            ]
                == 1
        }
        _ = try daemon.ctlJSON(["clock", "advance", "11m"])
        // Refused control requests are counted by their exit status.
        #expect(try daemon.ctl(["complaint", "show", "999"]).status == 4)
        var values: [String: Double] = [:]
        try TestEnvironment.waitUntil(timeout: 10) {
            let result = try daemon.ctl(["metrics"])
            values = samples(result.stdout)
            return values[#"hotline_deadlines_fired_total{kind="transfer",event="breach"}"#] == 1
        }
        #expect(values[#"hotline_pbx_events_total{outcome="stored"}"#] == 3)
        #expect(values[#"hotline_pbx_events_total{outcome="duplicate"}"#] == 1)
        #expect(values[#"hotline_pbx_events_total{outcome="refused"}"#] == 2)
        #expect(values[#"hotline_pbx_refused_total{code="malformed_json"}"#] == 1)
        #expect(values[#"hotline_pbx_refused_total{code="unknown_type"}"#] == 1)
        #expect(values[#"hotline_ack_latency_seconds_count"#] == 6)
        // The answer on 8001 resolves to no one, so no ingest worker can remember whom: its batch goes the long way.
        #expect((values[#"hotline_ingest_batches_total{path="long"}"#] ?? 0) >= 1)
        #expect(values[#"hotline_deadlines_fired_total{kind="transfer",event="warning"}"#] == 1)
        #expect(values[#"hotline_deadlines_fired_total{kind="transfer",event="breach"}"#] == 1)
        #expect(values[#"hotline_breach_latency_seconds_count"#] == 1)
        #expect(values["hotline_database_up"] == 1)
        #expect(values["hotline_spool_depth"] == 0)
        #expect(values[#"hotline_control_requests_total{command="complaint.show",exit="4"}"#] == 1)
        #expect(values[#"hotline_notices_total{topic="deadline_breach"}"#] == 1)
        // The textfile: written within 15 s, whole every time it is read.
        TestEnvironment.waitUntil(timeout: 20) { FileManager.default.fileExists(atPath: textfile) }
        for _ in 0..<20 {
            let text = try String(contentsOfFile: textfile, encoding: .utf8)
            #expect(text.hasSuffix("\n"))
            #expect(samples(text)["hotline_database_up"] == 1)
            Thread.sleep(forTimeInterval: 0.05)
        }
        daemon.stop()
    }

    @Test("events are counted from the start, before anyone has asked for the metrics and with no textfile")
    func countedFromTheStart() throws {
        let daemon = try DaemonHarness(arguments: ["--database", try TestEnvironment.makeDatabase()])
        let client = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        let acks = try client.exchange([
            #"{"v":1,"id":"s1","type":"call.offered","at":"2026-11-30T09:00:00+08:00","call":"s","from":"13800138000","to":"12345"}"#
        ])
        #expect(acks.count == 1)
        let values = samples(try daemon.ctl(["metrics"]).stdout)
        #expect(values[#"hotline_pbx_events_total{outcome="stored"}"#] == 1)
        // A new call's offer needs nothing remembered (its INSERT is the check): one round trip.
        #expect(values[#"hotline_ingest_batches_total{path="one_round_trip"}"#] == 1)
        #expect(values[#"hotline_ingest_batches_total{path="long"}"#] == nil)
        daemon.stop()
    }
}
