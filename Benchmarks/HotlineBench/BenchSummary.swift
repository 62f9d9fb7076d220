import Foundation

/// The last line of `make bench` (#14): `BENCH {json}` with the figures the targets are about, read back from what
/// each part wrote to bench-results/, so that a script compares runs without parsing the prose above it. A part
/// that did not run (HOTLINE_BENCH_ONLY) gives nulls.
enum BenchSummary {
    static func line(directory: String = "bench-results") -> String {
        func read(_ name: String) -> [String: Any] {
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(name).json"),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return [:] }
            return object
        }
        let ingest = read("ingest")
        let deadlines = read("deadlines")
        let qa = read("qa")
        let fields: [(String, Any?)] = [
            ("ingest_vs_copy", ingest["ratio_to_copy"]),
            ("ingest_vs_insert", ingest["ratio_to_insert"]),
            ("ack_p50_ms", ingest["p50_ms_at_1000"]),
            ("ack_p99_ms", ingest["p99_ms_at_1000"]),
            ("commit_p99_ms", ingest["commit_p99_ms"]),
            ("register_commit_p99_ms", ingest["register_commit_p99_ms"]),
            ("register_queued_p99_ms", ingest["register_queued_p99_ms"]),
            ("hotlined_cpu_us_per_event", ingest["hotlined_cpu_us_per_event"]),
            ("postgres_cpu_us_per_event", ingest["postgres_cpu_us_per_event"]),
            ("breach_p50_s", deadlines["lateness_p50_s"]),
            ("breach_p99_s", deadlines["lateness_p99_s"]),
            ("breach_floor_s", deadlines["floor_s"]),
            ("qa_month_ms", qa["escalations_month_ms"]),
            ("qa_quarter_ms", qa["stats_quarter_ms"]),
        ]
        let body = fields.map { key, value -> String in
            guard let number = value as? NSNumber else { return "\"\(key)\":null" }
            return "\"\(key)\":\(String(format: "%.4g", number.doubleValue))"
        }
        return "BENCH {" + body.joined(separator: ",") + "}"
    }
}
