import Foundation
import HotlineProtocol
import HotlineStore
import HotlineSystem
import Logging
import Synchronization

/// Group commit for PBX events: connections hand in what they read, one thread commits everything that is waiting
/// in a single transaction, and each connection then acks its events.
///
/// While one batch commits the next accumulates, so the cost of a commit is shared by every event in the batch
/// and throughput grows with load instead of being bounded by one fsync per event.
///
/// While PostgreSQL is unreachable, batches go to the fsync'd ``EventSpool`` instead and are acked from there;
/// the thread retries the database every second and replays the spool, in order, once it answers. While the
/// spool holds events, new ones are spooled behind them, so the database sees them in arrival order.
public final class EventIngestor: Sendable {
    /// A connection's events waiting for durability, and where their outcomes go.
    final class Submission: @unchecked Sendable {
        let events: [ReceivedEvent]
        // Written once by the ingest thread before `done` is signalled, read after: the semaphore orders the two.
        var outcomes: [Result<IngestOutcome, PBXLineError>] = []
        let done = DispatchSemaphore(value: 0)

        init(events: [ReceivedEvent]) {
            self.events = events
        }
    }

    private let conninfo: String
    private let logger: Logger
    private let spool: EventSpool
    private let schema: SchemaGate
    private let databaseReachable = Atomic<Bool>(true)
    private let queue = Mutex<[Submission]>([])
    private let wakeUp = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private let threads = Mutex<[WorkerThread]>([])
    private let stored = Atomic<Int>(0)
    /// The most events one transaction takes; more wait for the next one.
    static let maximumBatch = 5000

    /// How long to wait before trying an unreachable database again.
    static let retryInterval: TimeInterval = 1

    public init(
        conninfo: String,
        schema: SchemaGate,
        stateDirectory: String,
        spoolLimitBytes: Int,
        logger: Logger
    ) throws {
        self.conninfo = conninfo
        self.schema = schema
        self.logger = logger
        spool = try EventSpool(directory: stateDirectory, limitBytes: spoolLimitBytes, logger: logger)
        if !spool.isEmpty {
            logger.notice("events left in the spool will be replayed", metadata: ["events": "\(spool.depth)"])
        }
    }

    /// Events acked from the spool and not yet in the database.
    public var spoolDepth: Int { spool.depth }

    /// False while the last attempt to reach PostgreSQL failed.
    public var isDatabaseReachable: Bool { databaseReachable.load(ordering: .relaxed) }

    /// Events stored since start (for STATUS and the event rate).
    public var storedCount: Int { stored.load(ordering: .relaxed) }

    /// Threads committing batches, each on its own connection: while one waits for PostgreSQL, another prepares
    /// and sends the next batch, so the daemon's work and the server's overlap instead of taking turns.
    static let workers = 3

    public func start() {
        let started = (0..<EventIngestor.workers).map { worker in
            WorkerThread.start(name: "hotline-ingest-\(worker)") { [self] in run(worker: worker) }
        }
        threads.withLock { $0 = started }
    }

    /// Commits what is queued, then stops the threads.
    public func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        for _ in 0..<EventIngestor.workers { wakeUp.signal() }
        threads.withLock { $0 }.forEach { $0.join() }
    }

    /// Hands in events without waiting; `submission.done` is signalled once they are durable or refused.
    func enqueue(_ events: [ReceivedEvent]) -> Submission {
        let submission = Submission(events: events)
        queue.withLock { $0.append(submission) }
        wakeUp.signal()
        return submission
    }

    /// One worker's loop. Worker 0 alone replays the spool, so replay happens once and in order.
    private func run(worker: Int) {
        let replays = worker == 0
        var database = DatabaseLink(conninfo: conninfo, schema: schema)
        var route = IngestRoute(retryInterval: EventIngestor.retryInterval)
        while true {
            // The replaying worker wakes at least every second, since another worker may have spooled events
            // while it slept.
            if replays {
                _ = wakeUp.wait(timeout: .now() + EventIngestor.retryInterval)
            } else {
                wakeUp.wait()
            }
            if replays && route.replaysSpool(spoolIsEmpty: spool.isEmpty, now: Date(), stopping: false) {
                replaySpool(&database, route: &route)
            }
            let batch = takeBatch()
            if batch.isEmpty {
                if stopped.load(ordering: .sequentiallyConsistent) {
                    // Pass the stop on, in case this wake-up was meant for another worker.
                    wakeUp.signal()
                    break
                }
                continue
            }
            commit(batch, database: &database, route: &route)
        }
        if replays && route.replaysSpool(spoolIsEmpty: spool.isEmpty, now: Date(), stopping: true) {
            replaySpool(&database, route: &route)
        }
        database.close()
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

    private func commit(_ batch: [Submission], database: inout DatabaseLink, route: inout IngestRoute) {
        let events = batch.flatMap(\.events)
        var outcomes: [Result<IngestOutcome, PBXLineError>]?
        let destination = route.destination(
            spoolIsEmpty: spool.isEmpty,
            othersReachedDatabase: databaseReachable.load(ordering: .relaxed),
            now: Date()
        )
        if destination == .database {
            do {
                let results = try database.ingest(events)
                route.attemptSucceeded()
                databaseReachable.store(true, ordering: .relaxed)
                outcomes = zip(events, results).map { event, outcome in
                    if case .rejected(let reason) = outcome {
                        logger.warning(
                            "PBX event refused by the database: \(reason)",
                            metadata: ["event_id": "\(event.event.id)", "call_id": "\(event.event.callID ?? "-")"]
                        )
                        return .failure(
                            PBXLineError(
                                code: .invalidField,
                                id: event.event.id,
                                message: "refused by the database: \(reason)"
                            )
                        )
                    }
                    return .success(outcome)
                }
                stored.add(results.filter { $0 == .stored }.count, ordering: .relaxed)
                DaemonMetrics.pbxEvents("stored", count: results.filter { $0 == .stored }.count)
                DaemonMetrics.pbxEvents("duplicate", count: results.filter { $0 == .duplicate }.count)
                for case .failure(let error) in outcomes ?? [] { DaemonMetrics.pbxRefused(code: error.code.rawValue) }
            } catch {
                route.attemptFailed(at: Date())
                noteUnreachable(error, events: events.count)
            }
        }
        if outcomes == nil {
            outcomes = spoolOrRefuse(events)
        }
        var offset = 0
        for submission in batch {
            submission.outcomes = Array(outcomes![offset..<offset + submission.events.count])
            offset += submission.events.count
            submission.done.signal()
        }
    }

    /// Acks from the spool what the database cannot take now; refuses (never acks) what the spool cannot hold.
    private func spoolOrRefuse(_ events: [ReceivedEvent]) -> [Result<IngestOutcome, PBXLineError>] {
        do {
            try spool.append(events)
            DaemonMetrics.pbxEvents("spooled", count: events.count)
            return events.map { _ in .success(.stored) }
        } catch {
            logger.error("cannot spool PBX events", metadata: ["events": "\(events.count)", "error": "\(error)"])
            for _ in events { DaemonMetrics.pbxRefused(code: PBXLineError.Code.unavailable.rawValue) }
            return events.map { .failure(.unavailable(id: $0.event.id, reason: "\(error)")) }
        }
    }

    private func replaySpool(_ database: inout DatabaseLink, route: inout IngestRoute) {
        do {
            let events = try spool.contents()
            var start = 0
            while start < events.count {
                let end = min(start + EventIngestor.maximumBatch, events.count)
                let results = try database.ingest(Array(events[start..<end]))
                stored.add(results.filter { $0 == .stored }.count, ordering: .relaxed)
                start = end
            }
            try spool.clear()
            route.attemptSucceeded()
            databaseReachable.store(true, ordering: .relaxed)
            logger.notice("spool replayed into the database", metadata: ["events": "\(events.count)"])
        } catch {
            route.attemptFailed(at: Date())
            noteUnreachable(error, events: spool.depth)
        }
    }

    private func noteUnreachable(_ error: any Error, events: Int) {
        if databaseReachable.exchange(false, ordering: .relaxed) {
            logger.error(
                "PostgreSQL unreachable; acking PBX events from the local spool",
                metadata: ["events": "\(events)", "error": "\(error)"]
            )
        }
    }
}

/// An ingest worker's connection; when to use it is ``IngestRoute``'s decision.
private struct DatabaseLink {
    let conninfo: String
    let schema: SchemaGate
    var connection: PGConnection?

    init(conninfo: String, schema: SchemaGate) {
        self.conninfo = conninfo
        self.schema = schema
    }

    mutating func ingest(_ events: [ReceivedEvent]) throws -> [IngestOutcome] {
        // A connection that outlived a server restart fails on first use; one fresh attempt follows at once.
        let hadConnection = connection != nil
        do {
            return try attempt(events)
        } catch let error as PostgresError
            where IngestRoute.retriesAtOnce(hadConnection: hadConnection, connectionLost: error.isConnectionLoss)
        {
            return try attempt(events)
        }
    }

    private mutating func attempt(_ events: [ReceivedEvent]) throws -> [IngestOutcome] {
        do {
            if connection == nil || connection?.isOpen == false {
                connection?.close()
                let made = try PGConnection(conninfo: conninfo)
                try schema.ensure(made)
                try CallRegisterStore.prepareSession(on: made)
                connection = made
            }
            return try CallRegisterStore.ingest(events, on: connection!)
        } catch {
            connection?.close()
            connection = nil
            throw error
        }
    }

    mutating func close() {
        connection?.close()
        connection = nil
    }
}
