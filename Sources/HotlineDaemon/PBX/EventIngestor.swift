import Foundation
import HotlineProtocol
import HotlineStore
import HotlineSystem
import Logging
import Synchronization

/// Group commit for PBX events: connections hand in what they read, and each worker commits everything waiting
/// for it in a single transaction; each connection then acks its events.
///
/// While one batch commits the next accumulates, so the cost of a commit is shared by every event in the batch
/// and throughput grows with load instead of being bounded by one fsync per event. A call's events always go to
/// the same worker (by a hash of the call id), so two workers never fold into one call at once: otherwise the
/// offer at the end of one read and the answer at the start of the next made one batch wait for the other's
/// commit (measured: 948 such waits in 100,000 events).
///
/// While PostgreSQL is unreachable, batches go to the fsync'd ``EventSpool`` instead and are acked from there;
/// the thread retries the database every second and replays the spool, in order, once it answers. While the
/// spool holds events, new ones are spooled behind them, so the database sees them in arrival order.
public final class EventIngestor: Sendable {
    /// A connection's events waiting for durability, and where their outcomes go.
    final class Submission: @unchecked Sendable {
        let events: [ReceivedEvent]
        // Written by the ingest threads under `lock` before `done` is signalled, read after: the semaphore orders
        // the two. Nil until an event's part is committed (the ack writer refuses one left nil, which cannot happen).
        var outcomes: [Result<IngestOutcome, PBXLineError>?]
        let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var unfinishedParts = 0

        init(events: [ReceivedEvent]) {
            self.events = events
            outcomes = Array(repeating: nil, count: events.count)
        }

        fileprivate func expect(parts: Int) {
            unfinishedParts = parts
        }

        /// Records the outcomes of one part; the last part signals `done`.
        fileprivate func finish(_ indices: [Int], with results: ArraySlice<Result<IngestOutcome, PBXLineError>>) {
            let last = lock.withLock {
                for (index, result) in zip(indices, results) { outcomes[index] = result }
                unfinishedParts -= 1
                return unfinishedParts == 0
            }
            if last { done.signal() }
        }
    }

    /// Some of one submission's events, for one worker.
    private struct Part: Sendable {
        let submission: Submission
        let indices: [Int]
    }

    private let conninfo: String
    private let logger: Logger
    private let spool: EventSpool
    private let schema: SchemaGate
    private let databaseReachable = Atomic<Bool>(true)
    /// A worker's waiting parts, and its wake-up.
    private final class WorkerQueue: Sendable {
        let parts = Mutex<[Part]>([])
        let wakeUp = DispatchSemaphore(value: 0)
    }
    private let queues: [WorkerQueue]
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
        queues = (0..<EventIngestor.workers).map { _ in WorkerQueue() }
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
        for queue in queues { queue.wakeUp.signal() }
        threads.withLock { $0 }.forEach { $0.join() }
    }

    /// Hands in events without waiting; `submission.done` is signalled once they are durable or refused.
    ///
    /// A read holding agent logins or logouts goes whole to the first worker, which takes all of them in arrival
    /// order; so does every read while the database is unreachable or the spool holds events, so that reads are
    /// spooled whole and in arrival order. Otherwise each call's events go to the worker its id hashes to.
    func enqueue(_ events: [ReceivedEvent]) -> Submission {
        let submission = Submission(events: events)
        guard !events.isEmpty else {
            submission.done.signal()
            return submission
        }
        var parts = [[Int]](repeating: [], count: EventIngestor.workers)
        let degraded = !databaseReachable.load(ordering: .relaxed) || !spool.isEmpty
        if degraded || events.contains(where: { $0.event.callID == nil }) {
            parts[0] = Array(events.indices)
        } else {
            for (index, received) in events.enumerated() {
                parts[EventIngestor.worker(forCall: received.event.callID ?? "")].append(index)
            }
        }
        submission.expect(parts: parts.filter { !$0.isEmpty }.count)
        for (worker, indices) in parts.enumerated() where !indices.isEmpty {
            queues[worker].parts.withLock { $0.append(Part(submission: submission, indices: indices)) }
            queues[worker].wakeUp.signal()
        }
        return submission
    }

    /// The worker that folds a call (FNV-1a of its id: the same in every run, unlike `hashValue`).
    static func worker(forCall callID: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in callID.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int(hash % UInt64(workers))
    }

    /// One worker's loop. Worker 0 alone replays the spool, so replay happens once and in order.
    private func run(worker: Int) {
        let replays = worker == 0
        var database = DatabaseLink(conninfo: conninfo, schema: schema)
        var route = IngestRoute(retryInterval: EventIngestor.retryInterval)
        // After a commit the worker looks for more at once; it sleeps only when it found nothing.
        var idle = true
        while true {
            if idle {
                // The replaying worker wakes at least every second, since another worker may have spooled events
                // while it slept.
                if replays {
                    _ = queues[worker].wakeUp.wait(timeout: .now() + EventIngestor.retryInterval)
                } else {
                    queues[worker].wakeUp.wait()
                }
            }
            if replays && route.replaysSpool(spoolIsEmpty: spool.isEmpty, now: Date(), stopping: false) {
                replaySpool(&database, route: &route)
            }
            let batch = takeBatch(worker: worker)
            if batch.isEmpty {
                if stopped.load(ordering: .sequentiallyConsistent) { break }
                idle = true
                continue
            }
            commit(batch, database: &database, route: &route)
            idle = false
        }
        if replays && route.replaysSpool(spoolIsEmpty: spool.isEmpty, now: Date(), stopping: true) {
            replaySpool(&database, route: &route)
        }
        database.close()
    }

    /// Takes this worker's waiting parts up to the batch limit (always at least one).
    private func takeBatch(worker: Int) -> [Part] {
        queues[worker].parts.withLock { waiting in
            var taken: [Part] = []
            var count = 0
            while let next = waiting.first, taken.isEmpty || count + next.indices.count <= EventIngestor.maximumBatch {
                taken.append(waiting.removeFirst())
                count += next.indices.count
            }
            return taken
        }
    }

    private func commit(_ batch: [Part], database: inout DatabaseLink, route: inout IngestRoute) {
        let events = batch.flatMap { part in part.indices.map { part.submission.events[$0] } }
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
                outcomes = results.indices.map { index in
                    let outcome = results[index]
                    if case .rejected(let reason) = outcome {
                        let event = events[index].event
                        logger.warning(
                            "PBX event refused by the database: \(reason)",
                            metadata: ["event_id": "\(event.id)", "call_id": "\(event.callID ?? "-")"]
                        )
                        let message = "refused by the database: \(reason)"
                        return .failure(PBXLineError(code: .invalidField, id: event.id, message: message))
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
        for part in batch {
            part.submission.finish(part.indices, with: outcomes![offset..<offset + part.indices.count])
            offset += part.indices.count
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
    /// The calls this worker last wrote, so that most batches take one round trip (kept across reconnects: every
    /// use of it is checked by PostgreSQL).
    var memory = IngestMemory()

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
            let (quick, missed) = (memory.quick, memory.missed)
            let outcomes = try CallRegisterStore.ingest(events, on: connection!, memory: &memory)
            DaemonMetrics.ingestBatch(
                memory.quick > quick ? "one_round_trip" : memory.missed > missed ? "rechecked" : "long"
            )
            return outcomes
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
