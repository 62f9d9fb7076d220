import Foundation
import HotlineStore
import Metrics
import Prometheus

/// The daemon's metrics in the Prometheus text format (issue 19), through swift-metrics: the parts of the daemon
/// count with `Counter` and `Timer`; what the database knows (pending deadlines, notices, deliveries) is read when
/// the metrics are asked for. hotlined opens no network port: `hotlinectl metrics` prints them, and `[metrics]
/// textfile` writes them for node_exporter's textfile collector.
///
/// The names and labels are fixed, so that dashboards and alerts can rely on them.
public final class DaemonMetrics: Sendable {
    /// The process's one registry; swift-metrics is bootstrapped with it the first time this is used.
    public static let shared = DaemonMetrics()

    private let registry: PrometheusCollectorRegistry

    private init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Acks wait for a durable commit (milliseconds); breaches fire within a second of their due time.
        factory.durationHistogramBuckets = [
            "hotline_ack_latency_seconds": [
                .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            ],
            "hotline_breach_latency_seconds": [
                .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
                .seconds(30), .seconds(60), .seconds(300),
            ],
        ]
        MetricsSystem.bootstrap(factory)
        ackLatencyTimer = Timer(label: "hotline_ack_latency_seconds")
    }

    /// Made once: it is recorded for every PBX event, on the ack writer's thread.
    private let ackLatencyTimer: Timer

    /// The metrics as text, with the gauges read from the daemon and the database now.
    public func exposition(status: DaemonStatus, database: PostgresSession?) -> String {
        Gauge(label: "hotline_spool_depth").record(status.spoolDepth)
        var up = 0
        if let database, let facts = try? database.withConnectionBlocking({ try MetricsQueries.read(on: $0) }) {
            up = 1
            Gauge(label: "hotline_deadlines_pending").record(facts.pendingDeadlines)
            for (topic, count) in facts.notices {
                Gauge(label: "hotline_notices_total", dimensions: [("topic", topic)]).record(count)
            }
            for (route, outcome, count) in facts.deliveries {
                Gauge(label: "hotline_deliveries_total", dimensions: [("channel", route), ("outcome", outcome)])
                    .record(count)
            }
        }
        Gauge(label: "hotline_database_up").record(up)
        return registry.emitToString()
    }

    // MARK: - What the parts of the daemon count

    /// PBX events by what became of them: stored, duplicate, refused, spooled.
    static func pbxEvents(_ outcome: String, count: Int = 1) {
        guard count > 0 else { return }
        Counter(label: "hotline_pbx_events_total", dimensions: [("outcome", outcome)]).increment(by: count)
    }

    /// Ingest transactions by how they went: `one_round_trip` (the worker's memory covered the batch), `long` (it
    /// did not) or `rechecked` (PostgreSQL found a guess wrong; stored the long way). Many `rechecked` mean another
    /// writer keeps changing the same calls.
    static func ingestBatch(_ path: String) {
        Counter(label: "hotline_ingest_batches_total", dimensions: [("path", path)]).increment()
    }

    /// A PBX line refused, by its error code (also counted as a refused event).
    static func pbxRefused(code: String) {
        Counter(label: "hotline_pbx_refused_total", dimensions: [("code", code)]).increment()
        pbxEvents("refused")
    }

    /// From reading a PBX line to writing its ack.
    static func ackLatency(_ seconds: TimeInterval, events: Int) {
        let nanoseconds = Int64(max(0, seconds) * 1e9)
        for _ in 0..<events { shared.ackLatencyTimer.recordNanoseconds(nanoseconds) }
    }

    /// A warning or breach fired, by deadline kind; a breach's lateness beside it.
    static func deadlineFired(kind: String, event: String, late seconds: TimeInterval?) {
        Counter(label: "hotline_deadlines_fired_total", dimensions: [("kind", kind), ("event", event)]).increment()
        if let seconds {
            Timer(label: "hotline_breach_latency_seconds").recordNanoseconds(Int64(max(0, seconds) * 1e9))
        }
    }

    /// A control request by command and the exit status hotlinectl gives it.
    static func controlRequest(command: String, exit: Int32) {
        Counter(label: "hotline_control_requests_total", dimensions: [("command", command), ("exit", String(exit))])
            .increment()
    }
}
