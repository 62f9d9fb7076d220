import Foundation
import HotlinePBXBridge
import HotlineProtocol
import HotlineSystem
import Logging

/// Sends the outbox to hotlined's PBX socket over one connection kept open: events are written as soon as they
/// are in the outbox, up to ``window`` unacknowledged, and an ack reader thread settles them as hotlined answers
/// (acks come in order, one per line). When the connection breaks, it reconnects with backoff (1 s doubling to
/// 30 s) and sends again everything not acknowledged, oldest first; hotlined answers what it already stored
/// `duplicate: true`. It connects only when there is something to send.
struct HotlinedSender<Model: PBXCallModel>: Sendable {
    let core: BridgeCore<Model>
    let socketPath: String
    let logger: Logger
    /// Events written and not yet acknowledged, at most.
    var window = 1000

    /// Runs forever on its own thread.
    func run() {
        var backoff = Backoff()
        var reachable = true
        while true {
            core.waitForPending()
            let connection: UnixSocket
            do {
                connection = try UnixSocket.connect(path: socketPath)
            } catch {
                if reachable {
                    logger.warning(
                        "hotlined at \(socketPath) is unreachable (\(error)); \(core.waiting) events kept, retrying"
                    )
                }
                reachable = false
                core.setHotlinedUnreachable()
                backoff.wait()
                continue
            }
            if !reachable { logger.info("hotlined at \(socketPath) is reachable again") }
            reachable = true
            let id = core.connectionOpened()
            let core = core
            let readerDone = DispatchSemaphore(value: 0)
            let reader = Thread {
                Self.readAcks(from: connection, id: id, core: core)
                readerDone.signal()
            }
            reader.name = "hotlined-acks"
            reader.start()
            while let lines = core.nextLines(on: id, window: window) {
                do {
                    try connection.write(lines)
                } catch {
                    core.connectionFailed(id)
                    break
                }
            }
            // Shutting down wakes the ack reader blocked in read() (a close would not). Close only once it is done:
            // while either thread could still use the number, it must not be free for another socket of this
            // process (the PBX connection) to get.
            connection.shutdown()
            readerDone.wait()
            connection.close()
            let end = core.connectionEnded(id)
            if end.retryLater {
                logger.warning("hotlined cannot store events now; sending them again in \(backoff.current) s")
                backoff.wait()
            } else if end.acks > 0 {
                backoff.reset()
            } else {
                // Broken before a single ack: do not hammer a hotlined that accepts and drops connections.
                logger.warning(
                    "the connection to hotlined at \(socketPath) broke; reconnecting in \(backoff.current) s"
                )
                backoff.wait()
            }
        }
    }

    /// Reads acks until the connection ends, handing each read's acks to the core at once.
    private static func readAcks(from connection: UnixSocket, id: Int, core: BridgeCore<Model>) {
        var framer = LineFramer(maxLineLength: 1 << 20)
        while true {
            guard let chunk = try? connection.read(), !chunk.isEmpty else { break }
            framer.append(chunk)
            var acks: [PBXAck] = []
            while let frame = framer.nextLine() {
                if case .line(let line) = frame, let ack = try? PBXAck.decode(line: line) { acks.append(ack) }
            }
            if !acks.isEmpty { core.acknowledged(acks, on: id) }
        }
        core.connectionFailed(id)
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
