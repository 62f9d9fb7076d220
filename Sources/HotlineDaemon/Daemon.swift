import Foundation
import HotlineCore
import HotlineStore
import HotlineSystem
import Logging
import ServiceLifecycle
import UnixSignals

/// Assembles the daemon from its configuration: database (external or embedded), migrations, sockets, services.
public enum Daemon {
    /// Sets up logging: the journal under systemd, stderr otherwise.
    public static func bootstrapLogging() {
        let toJournal = Systemd.isJournalStream
        LoggingSystem.bootstrap { label in
            if toJournal { return JournalLogHandler(label: label) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["HOTLINE_DEBUG"] == nil ? .info : .debug
            return handler
        }
    }

    /// `hotlined migrate`: applies pending migrations and returns the versions applied.
    public static func migrate(configuration: Configuration, logger: Logger) async throws -> [Int] {
        let database = try DatabaseEndpoint(configuration: configuration, logger: logger)
        defer { database.stopEmbedded() }
        let session = try PostgresSession(conninfo: database.conninfo, label: "migrate", logger: logger)
        let migrator = Migrator(logger: logger)
        let applied = try await session.withConnection { connection in try migrator.migrate(connection) }
        await session.close()
        return applied
    }

    /// Runs until SIGTERM or SIGINT; SIGHUP reloads the configuration through `reload` (the start-up resolution).
    public static func run(
        configuration: Configuration,
        reload: @escaping ConfigurationReloader.Loader,
        logger: Logger
    ) async throws {
        // Trapped first: a SIGHUP during start-up must not end the daemon (its default action).
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let rules = RuleBook(
            try configuration.complaintRules(),
            notification: configuration.notification,
            warnFrom: configuration.warnFrom
        )
        rules.setQAGrading(configuration.qaGrading)
        if configuration.notification.command != nil {
            // Still run, so that an upgrade does not silence an SMS gateway; the notifier is where it belongs now.
            let advice =
                "[policy] notification_command is deprecated: configure a channel of type \"command\" in "
                + "/etc/hotline/notifier.toml for hotline-notifier, then remove it here (it would send twice)"
            logger.warning("\(advice)")
        }
        // Metrics are counted from the first event on, not from the first time someone asks for them.
        _ = DaemonMetrics.shared
        let reloader = ConfigurationReloader(running: configuration, load: reload, rules: rules, logger: logger)
        let database = try DatabaseEndpoint(configuration: configuration, logger: logger)
        defer { database.stopEmbedded() }
        let control = try PostgresSession(conninfo: database.conninfo, label: "control", logger: logger)
        let schema = SchemaGate(logger: logger)
        do {
            let applied = try await control.withConnection { connection in try schema.ensure(connection) }
            if !applied.isEmpty { logger.info("migrations applied", metadata: ["versions": "\(applied)"]) }
        } catch let error as PostgresError where error.isConnectionLoss {
            // An external database that is down must not keep calls from being registered: start degraded, spool
            // PBX events, and migrate once the database answers.
            logger.error("PostgreSQL unreachable at start; running degraded", metadata: ["error": "\(error)"])
        }

        let clock: any HotlineClock
        switch configuration.clock {
        case .system: clock = SystemClock()
        case .manual: clock = ManualClock(start: configuration.clockStart ?? Date())
        }
        let calendarWatch = CalendarWatch(rules: rules, clock: clock, database: control, logger: logger)
        await calendarWatch.refreshImports()
        let inherited = Systemd.listenedSockets()
        let pbxListener = try listener(
            named: "pbx",
            inherited: inherited,
            path: configuration.pbxSocket,
            configuration: configuration,
            logger: logger
        )
        let ingestor = try EventIngestor(
            conninfo: database.conninfo,
            schema: schema,
            stateDirectory: configuration.stateDirectory,
            spoolLimitBytes: configuration.spoolLimitBytes,
            logger: logger
        )
        let pbx = PBXServer(listener: pbxListener.socket, ingestor: ingestor, logger: logger)
        let anchors = try AnchorLog(
            stateDirectory: configuration.stateDirectory,
            logger: logger,
            enabled: configuration.anchorHops
        )
        if !configuration.anchorHops {
            let warning =
                "[audit] anchor = false: hops are not anchored outside the database, so a database superuser can "
                + "delete or rewrite them unnoticed; audit verify will count them as not anchored"
            logger.warning("\(warning)")
        }
        let scheduler = DeadlineScheduler(
            conninfo: database.conninfo,
            schema: schema,
            clock: clock,
            rules: rules,
            timeZone: configuration.zone,
            anchors: anchors,
            logger: logger
        )
        let handler = ControlHandler(
            database: control,
            schema: schema,
            rules: rules,
            clock: clock,
            timeZone: configuration.zone,
            logger: logger,
            anchors: anchors,
            statusSource: { DaemonStatus(spoolDepth: ingestor.spoolDepth, pbxConnections: pbx.connectionCount) },
            deadlinesChanged: { scheduler.wake() }
        )
        let controlListener = try listener(
            named: "control",
            inherited: inherited,
            path: configuration.controlSocket,
            configuration: configuration,
            logger: logger
        )
        let server = ControlServer(
            listener: controlListener.socket,
            handler: handler,
            eventsConninfo: database.conninfo,
            logger: logger
        )
        // Started in this order and shut down in the reverse one: systemd hears STOPPING=1 first, then the PBX
        // socket stops reading and drains into the ingest, which commits last.
        let parts: [(String, any ThreadedPart)] = [
            ("ingest", ingestor), ("deadlines", scheduler), ("control", server), ("pbx", pbx),
        ]
        let startup = Startup(parts: parts.count)
        var services: [any Service] = parts.map { ThreadedService(description: $0.0, part: $0.1, startup: startup) }
        services.append(
            SystemdService(
                startup: startup,
                ingestor: ingestor,
                pbx: pbx,
                scheduler: scheduler,
                calendarWatch: calendarWatch,
                logger: logger
            )
        )
        services.append(ReloadService(hangups: hangups, reloader: reloader, scheduler: scheduler, logger: logger))
        services.append(
            MetricsFileService(
                metrics: MetricsWriter(
                    path: configuration.metricsTextfile,
                    database: control,
                    status: { DaemonStatus(spoolDepth: ingestor.spoolDepth, pbxConnections: pbx.connectionCount) }
                ),
                logger: logger
            )
        )
        let group = ServiceGroup(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        try await group.run()
        // Socket files this process created go; inherited sockets belong to systemd.
        if !pbxListener.passed { unlink(configuration.pbxSocket) }
        if !controlListener.passed { unlink(configuration.controlSocket) }
        await control.close()
    }
}

/// A listening socket passed by systemd socket activation, else bound here. A passed socket is known by its
/// FileDescriptorName= (`pbx`, `control`), or else by the path it is bound to: one socket unit can give only one
/// name to all its sockets, so an administrator's single unit with both paths must work too.
private func listener(
    named name: String,
    inherited: [(name: String, descriptor: Int32)],
    path: String,
    configuration: Configuration,
    logger: Logger
) throws -> (socket: UnixSocket, passed: Bool) {
    let listening = inherited.filter { UnixSocket.isListeningUnixSocket($0.descriptor) }
    let passed =
        listening.first { $0.name == name }
        ?? listening.first { UnixSocket.boundPath(of: $0.descriptor) == path }
    if let descriptor = passed?.descriptor {
        logger.info("socket passed by systemd", metadata: ["socket": "\(name)"])
        return (UnixSocket(descriptor: descriptor), true)
    }
    let socket = try UnixSocket.listen(path: path, mode: configuration.socketMode, group: configuration.socketGroup)
    logger.info("socket listening", metadata: ["socket": "\(name)", "path": "\(path)"])
    return (socket, false)
}

/// Where the database is: the configured one, or the embedded cluster started for this run.
struct DatabaseEndpoint {
    let conninfo: String
    private let embedded: EmbeddedPostgres?

    init(configuration: Configuration, logger: Logger) throws {
        if let configured = configuration.database {
            conninfo = configured
            embedded = nil
        } else {
            let cluster = try EmbeddedPostgres(
                stateDirectory: configuration.stateDirectory,
                owner: configuration.embeddedUser,
                logger: logger
            )
            try cluster.start()
            conninfo = cluster.conninfo
            embedded = cluster
        }
    }

    func stopEmbedded() {
        embedded?.stop()
    }
}
