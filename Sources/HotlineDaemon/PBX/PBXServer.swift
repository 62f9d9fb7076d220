import Foundation
import HotlineProtocol
import HotlineStore
import HotlineSystem
import Logging

/// The PBX event socket (SPEC §5): NDJSON in, one ack line per line out, in order, each only after its event is
/// durable.
///
/// Every connection has its own thread: it reads what the adapter pipelined, answers malformed lines at once,
/// hands the valid events of one read to the ``EventIngestor`` as a group, and writes all acks of that read in
/// order once the group is committed. A slow or silent adapter holds only its own thread.
public final class PBXServer: Sendable {
    private let acceptor: ConnectionAcceptor
    private let ingestor: EventIngestor
    private let logger: Logger
    private let maximumLineLength: Int
    private let maximumConnections: Int

    public init(
        listener: UnixSocket,
        ingestor: EventIngestor,
        logger: Logger,
        maximumLineLength: Int = 65_536,
        maximumConnections: Int = 256
    ) {
        self.ingestor = ingestor
        self.logger = logger
        self.maximumLineLength = maximumLineLength
        self.maximumConnections = maximumConnections
        acceptor = ConnectionAcceptor(listener: listener, name: "pbx", maximumConnections: maximumConnections) {
            logger.error("PBX socket accept failed", metadata: ["error": "\($0)"])
        }
    }

    public var connectionCount: Int { acceptor.connectionCount }

    public func start() {
        let refusal = PBXLineError.unavailable(id: nil, reason: "too many PBX connections (\(maximumConnections))")
        acceptor.start(
            serve: { [self] in serve($0) },
            refuse: { try? $0.write(PBXAck.refused(refusal).encodedLine()) }
        )
    }

    /// Graceful drain: stop accepting and reading; what was read is committed and acked; then return.
    public func stop(timeout: TimeInterval = 30) {
        acceptor.stopAccepting()
        acceptor.shutdownReading()
        if !acceptor.waitUntilIdle(timeout: timeout) {
            logger.warning("PBX connections still open after \(Int(timeout)) s of draining")
        }
    }

    /// One slot per line, in arrival order: either an answer known at once or a place for an event's outcome (only
    /// its id: the ack needs nothing else, and copying the whole event for each ack showed in profiles).
    private enum Slot {
        case answered(PBXAck)
        case event(id: String)
    }

    /// What one read produced: its slots, and the ingest submission of its events (if any).
    private struct ReadBatch {
        var slots: [Slot]
        var submission: EventIngestor.Submission?
        /// When its lines were read: the start of their ack latency.
        var readAt: Date
    }

    /// Reads, parses and submits on this thread while a second thread writes the acks in order as submissions
    /// become durable: a connection keeps several batches in flight, so its next read is parsed while the last
    /// one commits.
    private func serve(_ connection: UnixSocket) {
        logger.info("PBX adapter connected")
        let pending = PendingAcks(limit: PBXServer.maximumBatchesInFlight)
        WorkerThread.start(name: "hotline-pbx-ack") { [self] in writeAcks(pending, to: connection) }
        var framer = LineFramer(maxLineLength: maximumLineLength)
        while !pending.writerFailed {
            let chunk: [UInt8]
            do {
                chunk = try connection.read(maximum: 256 * 1024)
            } catch {
                break
            }
            if chunk.isEmpty { break }
            framer.append(chunk)
            var slots: [Slot] = []
            var events: [ReceivedEvent] = []
            while let frame = framer.nextLine() {
                switch frame {
                case .tooLong:
                    let refusal = PBXLineError.lineTooLong(limit: maximumLineLength)
                    DaemonMetrics.pbxRefused(code: refusal.code.rawValue)
                    slots.append(.answered(.refused(refusal)))
                case .line(let bytes):
                    switch PBXEventParser.parse(line: bytes) {
                    case .success(let event):
                        slots.append(.event(id: event.id))
                        events.append(ReceivedEvent(event: event, line: String(decoding: bytes, as: UTF8.self)))
                    case .failure(let error):
                        DaemonMetrics.pbxRefused(code: error.code.rawValue)
                        slots.append(.answered(.refused(error)))
                        logger.warning(
                            "PBX line refused: \(error.message)",
                            metadata: ["event_id": "\(error.id ?? "-")", "error": "\(error.code.rawValue)"]
                        )
                    }
                }
            }
            guard !slots.isEmpty else { continue }
            pending.push(
                ReadBatch(slots: slots, submission: events.isEmpty ? nil : ingestor.enqueue(events), readAt: Date())
            )
        }
        pending.finish()
        pending.waitUntilWriterDone()
        logger.info("PBX adapter disconnected")
    }

    /// Most reads of one connection waiting for their acks; past it the reader waits (backpressure).
    static let maximumBatchesInFlight = 16

    private func writeAcks(_ pending: PendingAcks, to connection: UnixSocket) {
        defer { pending.writerDone() }
        while let batch = pending.pop() {
            batch.submission?.done.wait()
            var outcomes = (batch.submission?.outcomes ?? []).makeIterator()
            var output: [UInt8] = []
            for slot in batch.slots {
                switch slot {
                case .answered(let ack):
                    output += ack.encodedLine()
                case .event(let id):
                    output += PBXServer.ack(for: id, outcome: outcomes.next() ?? nil).encodedLine()
                }
            }
            do {
                try connection.write(output)
                let latency = Date().timeIntervalSince(batch.readAt)
                DaemonMetrics.ackLatency(latency, events: batch.slots.count)
            } catch {
                pending.writerFailed = true
                // Keep draining so that the reader is never stuck behind a full queue.
                while let rest = pending.pop() { rest.submission?.done.wait() }
                return
            }
        }
    }

    private static func ack(for id: String, outcome: Result<IngestOutcome, PBXLineError>?) -> PBXAck {
        switch outcome {
        case .success(.stored)?: return .accepted(id: id, duplicate: false)
        case .success(.duplicate)?: return .accepted(id: id, duplicate: true)
        case .success(.rejected(let reason))?:
            return .refused(PBXLineError(code: .invalidField, id: id, message: reason))
        case .failure(let error)?: return .refused(error)
        case nil: return .refused(.unavailable(id: id, reason: "internal error"))
        }
    }

    /// The queue between a connection's reader and its ack writer, bounded for backpressure.
    private final class PendingAcks: @unchecked Sendable {
        private let condition = NSCondition()
        private var batches: [ReadBatch] = []
        private var finished = false
        private var writerExited = false
        private let limit: Int
        private var failed = false

        init(limit: Int) {
            self.limit = limit
        }

        var writerFailed: Bool {
            get { condition.withLock { failed } }
            set { condition.withLock { failed = newValue } }
        }

        func push(_ batch: ReadBatch) {
            condition.lock()
            while batches.count >= limit && !failed { condition.wait() }
            batches.append(batch)
            condition.broadcast()
            condition.unlock()
        }

        /// The next batch in order, or nil once the reader finished and everything was taken.
        func pop() -> ReadBatch? {
            condition.lock()
            defer { condition.unlock() }
            while batches.isEmpty && !finished { condition.wait() }
            guard !batches.isEmpty else { return nil }
            condition.broadcast()
            return batches.removeFirst()
        }

        func finish() {
            condition.withLock {
                finished = true
                condition.broadcast()
            }
        }

        func writerDone() {
            condition.withLock {
                writerExited = true
                condition.broadcast()
            }
        }

        func waitUntilWriterDone() {
            condition.lock()
            while !writerExited { condition.wait() }
            condition.unlock()
        }
    }
}
