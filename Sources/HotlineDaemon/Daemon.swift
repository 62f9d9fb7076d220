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
            handler.logLevel = .info
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

    /// Runs until SIGTERM or SIGINT.
    public static func run(configuration: Configuration, logger: Logger) async throws {
        let database = try DatabaseEndpoint(configuration: configuration, logger: logger)
        defer { database.stopEmbedded() }
        let control = try PostgresSession(conninfo: database.conninfo, label: "control", logger: logger)
        let migrator = Migrator(logger: logger)
        let applied = try await control.withConnection { connection in try migrator.migrate(connection) }
        if !applied.isEmpty { logger.info("migrations applied", metadata: ["versions": "\(applied)"]) }

        let clock: any HotlineClock
        switch configuration.clock {
        case .system: clock = SystemClock()
        case .manual: clock = ManualClock(start: configuration.clockStart ?? Date())
        }
        let handler = ControlHandler(
            database: control,
            clock: clock,
            timeZone: configuration.zone,
            logger: logger,
            statusSource: { DaemonStatus() }
        )
        let inherited = Systemd.listenedSockets()
        let controlListener: UnixSocket
        if let descriptor = inherited["control"], UnixSocket.isListeningUnixSocket(descriptor) {
            controlListener = UnixSocket(descriptor: descriptor)
            logger.info("control socket passed by systemd")
        } else {
            controlListener = try UnixSocket.listen(
                path: configuration.controlSocket,
                mode: configuration.socketMode,
                group: configuration.socketGroup
            )
            logger.info("control socket listening", metadata: ["path": "\(configuration.controlSocket)"])
        }
        let server = ControlServer(listener: controlListener, handler: handler, logger: logger)
        let service = DaemonService(
            control: server,
            logger: logger,
            boundPath: inherited["control"] == nil ? configuration.controlSocket : nil
        )
        let group = ServiceGroup(
            services: [service],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        try await group.run()
        await control.close()
    }
}

/// The running daemon as one service: serves until graceful shutdown, reporting to systemd on the way.
struct DaemonService: Service {
    let control: ControlServer
    let logger: Logger
    /// The socket file this process created, removed on exit (an inherited socket belongs to systemd).
    let boundPath: String?

    func run() async throws {
        control.start()
        Systemd.ready(status: "serving")
        logger.info("hotlined ready", metadata: ["version": "\(HotlineVersion.current)"])
        let watchdog = Task {
            guard let interval = Systemd.watchdogInterval else { return }
            while !Task.isCancelled {
                Systemd.watchdog()
                try await Task.sleep(for: interval / 2)
            }
        }
        try? await gracefulShutdown()
        watchdog.cancel()
        Systemd.stopping()
        logger.info("hotlined stopping")
        control.stop()
        if let boundPath { unlink(boundPath) }
    }
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
