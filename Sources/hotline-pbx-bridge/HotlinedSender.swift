import Foundation
import HotlineAdapter
import HotlinePBXBridge
import Logging

/// Sends the outbox to hotlined's PBX socket with the reference adapter's connection (pipelining, ack matching),
/// reconnecting with backoff (1 s doubling to 30 s) and sending again whatever was not acknowledged.
struct HotlinedSender<Model: PBXCallModel>: Sendable {
    let core: BridgeCore<Model>
    let socketPath: String
    let logger: Logger

    /// Runs forever on its own thread.
    func run() {
        // reconnectAttempts 0: a broken connection throws at once, and the events stay in the outbox for the
        // backoff below; the adapter's own quick retries are for tools that send a file and exit.
        let connection = AdapterConnection(path: socketPath, window: 1000, reconnectAttempts: 0)
        var backoff = Backoff()
        var reachable = true
        while true {
            let batch = core.waitForPending(limit: 1000)
            do {
                let deliveries = try connection.deliver(batch.map { Array($0.line.utf8) })
                let acks = deliveries.sorted { $0.index < $1.index }.map(\.ack)
                if !reachable { logger.info("hotlined at \(socketPath) is reachable again") }
                reachable = true
                if core.settle(ids: batch.map(\.id), acks: acks) {
                    logger.warning("hotlined cannot store events now; sending them again in \(backoff.current) s")
                    backoff.wait()
                } else {
                    backoff.reset()
                }
            } catch {
                if reachable {
                    logger.warning(
                        "hotlined at \(socketPath) is unreachable (\(error)); \(batch.count)+ events kept, retrying"
                    )
                }
                reachable = false
                core.setHotlinedUnreachable()
                backoff.wait()
            }
        }
    }
}

/// Reconnection delays: 1 s, doubling, at most 30 s (SPEC section 11).
struct Backoff {
    private(set) var current = 1.0

    mutating func wait() {
        Thread.sleep(forTimeInterval: current)
        current = min(current * 2, 30)
    }

    mutating func reset() {
        current = 1
    }
}
