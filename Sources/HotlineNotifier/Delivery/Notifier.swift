import AsyncHTTPClient
import Foundation
import HotlineDaemon
import HotlineStore
import Logging
import NIOCore
import Synchronization

/// hotline-notifier's engine: learns of new notices, adds a delivery row for each matching route and channel, and
/// delivers due rows with a pool of workers.
///
/// - A listener holds `LISTEN hotline_notices` (hotlined sends the notice id in the transaction that writes it)
///   and hands ids to the router at once.
/// - The router matches notices against the routes and inserts `notice_deliveries` rows (ON CONFLICT DO
///   NOTHING, so notifiers that both see a notice add it once). Every `poll_interval` it also scans all notices
///   still within `give_up_after`, which catches notices whose NOTIFY was missed (a reconnect) and, at start,
///   everything written while no notifier ran.
/// - Each worker claims one due row with `FOR UPDATE SKIP LOCKED` in a transaction it keeps open while it
///   delivers, then records the outcome and commits. A notifier killed mid-delivery leaves the row pending (the
///   lock dies with the connection), so it is delivered again — at least once — and a success is recorded by
///   exactly the one transaction that held the row.
public final class Notifier: Sendable {
    private let current: Mutex<NotifierConfiguration>
    private let conninfo: String
    private let workerCount: Int
    private let logger: Logger
    private let http: HTTPClient
    private let routerBell = Doorbell()
    private let workerBells: [Doorbell]
    private let inbox = Mutex<[Int64]>([])
    private let rescan = Atomic<Bool>(true)
    private let stopping = Atomic<Bool>(false)
    private let delivered = Atomic<Int>(0)
    private let givenUp = Atomic<Int>(0)

    public init(configuration: NotifierConfiguration, logger: Logger) {
        self.current = Mutex(configuration)
        self.conninfo = configuration.database ?? ""
        self.workerCount = configuration.workers
        self.logger = logger
        self.workerBells = (0..<configuration.workers).map { _ in Doorbell() }
        var http = HTTPClient.Configuration()
        http.timeout = .init(connect: .seconds(10))
        // A webhook that redirects is misconfigured; following it would re-send the body (and its signature)
        // to an address nobody configured.
        http.redirectConfiguration = .disallow
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    public var configuration: NotifierConfiguration { current.withLock { $0 } }

    /// Deliveries recorded as made since start, and given up.
    public var deliveredCount: Int { delivered.load(ordering: .relaxed) }
    public var givenUpCount: Int { givenUp.load(ordering: .relaxed) }

    /// Replaces channels and routes (SIGHUP). The database and the number of workers are fixed for the life of
    /// the process; a change to them is logged as needing a restart and otherwise ignored.
    public func apply(_ configuration: NotifierConfiguration) {
        let old = self.configuration
        if configuration.database != old.database && configuration.database != nil {
            logger.warning("reload: [database] conninfo changed; restart hotline-notifier to use it")
        }
        if configuration.workers != old.workers {
            logger.warning("reload: [delivery] workers changed; restart hotline-notifier to use it")
        }
        current.withLock { running in
            var next = configuration
            next.database = running.database
            next.workers = running.workers
            running = next
        }
        logger.info(
            "configuration reloaded",
            metadata: ["routes": "\(configuration.deliveryRoutes.joined(separator: " "))"]
        )
        // New routes apply to notices still within give_up_after, as if the notifier had just started.
        rescan.store(true, ordering: .relaxed)
        routerBell.ring()
        workerBells.forEach { $0.ring() }
    }

    /// Connects, then runs until ``stop()``; in-flight deliveries finish (or time out) first.
    public func run(ready: @Sendable () -> Void = {}) async throws {
        do {
            let probe = try PostgresSession(conninfo: conninfo, label: "notifier-probe", logger: logger)
            try await probe.connect()
            await probe.close()
        } catch {
            // The HTTP client must be shut down on every path (it asserts otherwise).
            try? await http.shutdown()
            throw error
        }
        ready()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listen() }
            group.addTask { await self.route() }
            for index in 0..<workerCount {
                group.addTask { await self.work(index) }
            }
        }
        try? await http.shutdown()
    }

    /// Asks every loop to finish; safe from a signal handler's task.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        routerBell.ring()
        workerBells.forEach { $0.ring() }
    }

    private var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// A line for systemd's STATUS=.
    public func status() async -> String {
        let routes = configuration.deliveryRoutes
        let session = try? PostgresSession(conninfo: conninfo, label: "notifier-status", logger: logger)
        let counts = try? await session?.withConnection { try DeliveryStore.counts(routes: routes, on: $0) }
        await session?.close()
        let base = "\(deliveredCount) delivered, \(givenUpCount) given up since start"
        guard let counts else { return "\(base); database unreachable" }
        return "\(base); \(counts.pending) pending, \(counts.failed) failed in all; \(routes.count) routes"
    }

    // MARK: - Listener

    private func listen() async {
        guard let session = try? PostgresSession(conninfo: conninfo, label: "notifier-listen", logger: logger) else {
            return
        }
        var connected = true
        while !isStopping {
            do {
                // LISTEN on every round: a no-op while listening, and it renews the subscription when the session
                // reconnected underneath (then the scan below catches what was missed meanwhile).
                let notifications = try await session.withConnection { connection in
                    try connection.listen("hotline_notices")
                    return try connection.waitForNotifications(timeout: .milliseconds(500))
                }
                if !connected {
                    logger.info("listening for notices again")
                    connected = true
                    rescan.store(true, ordering: .relaxed)
                    routerBell.ring()
                }
                // hotlined sends the ids a transaction wrote as one comma-separated payload.
                let ids = notifications.flatMap { notification in
                    notification.payload.split(separator: ",").compactMap {
                        Int64($0.trimmingCharacters(in: .whitespaces))
                    }
                }
                if !ids.isEmpty {
                    inbox.withLock { $0 += ids }
                    routerBell.ring()
                }
            } catch {
                if connected {
                    logger.error("cannot listen for notices; polling meanwhile", metadata: ["error": "\(error)"])
                }
                connected = false
                await session.close()
                try? await Task.sleep(for: .seconds(1))
            }
        }
        await session.close()
    }

    // MARK: - Router

    private func route() async {
        guard let session = try? PostgresSession(conninfo: conninfo, label: "notifier-route", logger: logger) else {
            return
        }
        // Notices already matched against the current routes, kept while the scan still returns them.
        var routed = Set<Int64>()
        var lastScan = ContinuousClock.now - .seconds(3600)
        // The periodic scan reads ids above `floor` only: the highest id that existed `Self.settled` ago. A
        // transaction that took a lower id has long committed or rolled back by then (hotlined's take
        // milliseconds), and its NOTIFY reached the listener anyway; at start and after a reload the floor is 0
        // and everything within give_up_after is looked at once.
        var floor: Int64 = 0
        var marks: [(at: ContinuousClock.Instant, id: Int64)] = []
        while !isStopping {
            let configuration = self.configuration
            if rescan.exchange(false, ordering: .relaxed) {
                routed.removeAll()
                floor = 0
                lastScan = ContinuousClock.now - configuration.pollInterval
            }
            do {
                var candidates = inbox.withLock { ids in
                    defer { ids.removeAll() }
                    return ids
                }
                if ContinuousClock.now - lastScan >= configuration.pollInterval {
                    let scanFloor = floor
                    let (window, highest) = try await session.withConnection { connection in
                        (
                            try DeliveryStore.noticeIDs(
                                within: configuration.giveUpAfter,
                                above: scanFloor,
                                on: connection
                            ),
                            try DeliveryStore.maxNoticeID(on: connection)
                        )
                    }
                    routed.formIntersection(window)
                    candidates += window
                    lastScan = ContinuousClock.now
                    marks.append((lastScan, highest))
                    while let first = marks.first, lastScan - first.at >= Self.settled {
                        floor = max(floor, first.id)
                        marks.removeFirst()
                    }
                }
                let fresh = Array(Set(candidates).subtracting(routed)).sorted()
                if !fresh.isEmpty {
                    let added = try await session.withConnection { connection in
                        try Self.enqueue(fresh, routes: configuration.routes, on: connection)
                    }
                    routed.formUnion(fresh)
                    if added > 0 {
                        logger.debug("deliveries added", metadata: ["count": "\(added)"])
                        workerBells.forEach { $0.ring() }
                    }
                }
            } catch {
                logger.error("cannot read new notices", metadata: ["error": "\(error)"])
                await session.close()
            }
            let sinceScan = ContinuousClock.now - lastScan
            await routerBell.wait(timeout: max(.milliseconds(10), configuration.pollInterval - sinceScan))
        }
        await session.close()
    }

    /// How long after an id was the highest the scan stops looking below it.
    static let settled: Duration = .seconds(600)

    /// Matches each notice against the routes and adds the deliveries, one transaction for the lot.
    static func enqueue(_ ids: [Int64], routes: [Route], on connection: PGConnection) throws -> Int {
        try connection.transaction { connection in
            let facts = try DeliveryStore.routingFacts(of: ids, on: connection)
            var added = 0
            for id in ids {
                guard let fact = facts[id] else { continue }
                let matching = routes.filter { $0.matches(topic: fact.topic, recipients: fact.recipients) }
                    .flatMap { route in route.channels.map { Route.deliveryName(route: route.name, channel: $0) } }
                if matching.isEmpty { continue }
                added += try DeliveryStore.enqueue(notice: id, routes: matching, on: connection)
            }
            return added
        }
    }

    // MARK: - Workers

    private func work(_ index: Int) async {
        let bell = workerBells[index]
        guard let session = try? PostgresSession(conninfo: conninfo, label: "notifier-worker-\(index)", logger: logger)
        else { return }
        let sender = ChannelSender(http: http)
        while !isStopping {
            let configuration = self.configuration
            let routes = configuration.deliveryRoutes
            var wait = configuration.pollInterval
            do {
                if try await deliverOne(session: session, sender: sender, configuration: configuration) {
                    continue
                }
                if let seconds = try await session.withConnection({
                    try DeliveryStore.secondsToNextDue(routes: routes, on: $0)
                }) {
                    wait = min(wait, .milliseconds(Int64(max(1, seconds * 1000))))
                }
            } catch {
                logger.error("delivery worker: database error", metadata: ["error": "\(error)"])
                await session.close()
            }
            await bell.wait(timeout: wait)
        }
        await session.close()
    }

    /// Claims, delivers and records one delivery; false when none was due.
    private func deliverOne(
        session: PostgresSession,
        sender: ChannelSender,
        configuration: NotifierConfiguration
    ) async throws -> Bool {
        let routes = configuration.deliveryRoutes
        let giveUpAfter = configuration.giveUpAfter
        // BEGIN and the claim; the transaction stays open on this session's connection until COMMIT below, and
        // nothing else uses that connection meanwhile (one session per worker).
        let claimed: (DeliveryStore.Claim, Notice?)? = try await session.withConnection { connection in
            try connection.command("BEGIN")
            do {
                guard let claim = try DeliveryStore.claim(routes: routes, giveUpAfter: giveUpAfter, on: connection)
                else {
                    try connection.command("COMMIT")
                    return nil
                }
                return (claim, claim.expired ? nil : try DeliveryStore.notice(claim.notice, on: connection))
            } catch {
                _ = try? connection.command("ROLLBACK")
                throw error
            }
        }
        guard let (claim, notice) = claimed else { return false }
        let metadata: Logger.Metadata = [
            "notice": "\(claim.notice)", "route": "\(claim.route)", "attempt": "\(claim.attempts + 1)",
        ]
        guard let notice, !claim.expired else {
            try await session.withConnection { connection in
                try DeliveryStore.recordExpired(claim, giveUpAfter: giveUpAfter, on: connection)
                try connection.command("COMMIT")
            }
            givenUp.add(1, ordering: .relaxed)
            logger.error("delivery given up: past give_up_after before it could be tried", metadata: metadata)
            return true
        }
        let channelName = String(claim.route.split(separator: "/", maxSplits: 1).last ?? "")
        var failure: DeliveryFailure?
        if let channel = configuration.channels[channelName] {
            do {
                try await sender.send(notice, route: claim.route, over: channel, timeZone: configuration.zone)
            } catch {
                failure = error
            }
        } else {
            failure = DeliveryFailure("no channel named \(channelName) in the configuration")
        }
        let outcome = failure
        let delay = Backoff.delay(afterFailures: claim.attempts + 1)
        let gaveUp: Bool = try await session.withConnection { connection in
            do {
                var gaveUp = false
                if let outcome {
                    gaveUp = try DeliveryStore.recordFailure(
                        claim,
                        error: outcome.reason,
                        retryIn: delay,
                        giveUpAfter: giveUpAfter,
                        on: connection
                    )
                } else {
                    _ = try DeliveryStore.recordDelivered(claim, on: connection)
                }
                try connection.command("COMMIT")
                return gaveUp
            } catch {
                _ = try? connection.command("ROLLBACK")
                throw error
            }
        }
        if let outcome {
            if gaveUp {
                givenUp.add(1, ordering: .relaxed)
                logger.error("delivery given up: \(outcome.reason)", metadata: metadata)
            } else {
                logger.warning(
                    "delivery failed; retrying in \(DurationText.format(delay)): \(outcome.reason)",
                    metadata: metadata
                )
            }
        } else {
            delivered.add(1, ordering: .relaxed)
            logger.info("delivered", metadata: metadata)
        }
        return true
    }
}
