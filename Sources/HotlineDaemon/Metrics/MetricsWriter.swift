import Foundation
import HotlineStore
import HotlineSystem
import Logging

/// `[metrics] textfile`: the metrics written for node_exporter's textfile collector, replaced atomically (a
/// temporary file renamed over the old one), so the collector never reads half a file.
struct MetricsWriter: Sendable {
    let path: String?
    let database: PostgresSession
    let status: @Sendable () -> DaemonStatus

    func write(logger: Logger) {
        guard let path else { return }
        let text = DaemonMetrics.shared.exposition(status: status(), database: database)
        do {
            // Not fsync'd: the next write comes in 15 s, and a lost one is only a stale reading.
            try AtomicFile.replace(path, with: Array(text.utf8), durable: false)
        } catch {
            logger.warning("cannot write the metrics file", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}
