import Foundation
import HotlineProtocol
import HotlineStore
import Logging
import Synchronization

/// Group commit for PBX events: connections hand in what they read, one thread commits everything that is waiting
/// in a single transaction, and each connection then acks its events.
///
/// While one batch commits the next accumulates, so the cost of a commit is shared by every event in the batch
/// and throughput grows with load instead of being bounded by one fsync per event.
public final class EventIngestor: Sendable {
    /// A connection's events waiting for durability, and where their outcomes go.
    final class Submission: @unchecked Sendable {
        let events: [PBXEvent]
        // Written once by the ingest thread before `done` is signalled, read after: the semaphore orders the two.
        var outcomes: [Result<IngestOutcome, PBXLineError>] = []
        let done = DispatchSemaphore(value: 0)

        init(events: [PBXEvent]) {
            self.events = events
        }
    }

    private let conninfo: String
    private let logger: Logger
    private let queue = Mutex<[Submission]>([])
    private let wakeUp = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let stored = Atomic<Int>(0)
    /// The most events one transaction takes; more wait for the next one.
    static let maximumBatch = 5000

    public init(conninfo: String, logger: Logger) {
        self.conninfo = conninfo
        self.logger = logger
    }

    /// Events stored since start (for STATUS and the event rate).
    public var storedCount: Int { stored.load(ordering: .relaxed) }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "hotline-ingest"
        thread.start()
    }

    /// Commits what is queued, then stops the thread.
    public func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        wakeUp.signal()
        finished.wait()
    }

    /// Hands in events and blocks the calling (connection) thread until they are durable or refused.
    func submit(_ events: [PBXEvent]) -> [Result<IngestOutcome, PBXLineError>] {
        let submission = Submission(events: events)
        queue.withLock { $0.append(submission) }
        wakeUp.signal()
        submission.done.wait()
        return submission.outcomes
    }

    private func run() {
        var connection: PGConnection?
        while true {
            wakeUp.wait()
            let batch = takeBatch()
            if batch.isEmpty {
                if stopped.load(ordering: .sequentiallyConsistent) { break }
                continue
            }
            commit(batch, connection: &connection)
        }
        connection?.close()
        finished.signal()
    }

    /// Takes waiting submissions up to the batch limit (always at least one).
    private func takeBatch() -> [Submission] {
        queue.withLock { waiting in
            var taken: [Submission] = []
            var count = 0
            while let next = waiting.first, taken.isEmpty || count + next.events.count <= EventIngestor.maximumBatch {
                taken.append(waiting.removeFirst())
                count += next.events.count
            }
            // Leave a wake-up for what stays queued.
            if !waiting.isEmpty { wakeUp.signal() }
            return taken
        }
    }

    private func commit(_ batch: [Submission], connection: inout PGConnection?) {
        let events = batch.flatMap(\.events)
        var outcomes: [Result<IngestOutcome, PBXLineError>]
        do {
            if connection == nil || connection?.isOpen == false {
                connection?.close()
                connection = try PGConnection(conninfo: conninfo)
            }
            let results = try CallRegisterStore.ingest(events, on: connection!)
            outcomes = zip(events, results).map { event, outcome in
                if case .rejected(let reason) = outcome {
                    return .failure(
                        PBXLineError(code: .invalidField, id: event.id, message: "refused by the database: \(reason)")
                    )
                }
                return .success(outcome)
            }
            stored.add(results.filter { $0 == .stored }.count, ordering: .relaxed)
        } catch {
            // Never ack what is not durable: the adapter resends after `unavailable`.
            logger.error("cannot store PBX events", metadata: ["events": "\(events.count)", "error": "\(error)"])
            connection?.close()
            connection = nil
            outcomes = events.map { .failure(.unavailable(id: $0.id, reason: "database unreachable: \(error)")) }
        }
        var offset = 0
        for submission in batch {
            submission.outcomes = Array(outcomes[offset..<offset + submission.events.count])
            offset += submission.events.count
            submission.done.signal()
        }
    }
}
