import ArgumentParser
import Foundation
import HotlineCore
import HotlineDaemon
import Logging

/// `hotlined`: parses the command line, loads the configuration, and runs the daemon (SPEC §8).
@main
struct Hotlined: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotlined",
        abstract: "The Hotline daemon: call register, complaints and deadline timers (首问责任制).",
        discussion: """
            Runs in the foreground. Reads /etc/hotline/hotlined.toml when present; options given here override it. \
            With no database configured it runs a private PostgreSQL cluster in the state directory.

            Examples:
              hotlined
              hotlined --database 'postgresql:///hotline'
              hotlined migrate --database 'host=/var/run/postgresql dbname=hotline'
              hotlined --clock manual --clock-start 2026-11-30T09:00:00+08:00
            """,
        version: HotlineVersion.current,
        subcommands: [Serve.self, Migrate.self],
        defaultSubcommand: Serve.self
    )
}

/// Options shared by `hotlined` and `hotlined migrate`.
struct DaemonOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (TOML). Default: /etc/hotline/hotlined.toml if present.")
    var config: String?

    @Option(name: .long, help: "libpq conninfo or postgresql:// URI. None: the embedded database.")
    var database: String?

    @Option(name: .customLong("pbx-socket"), help: "Path of the PBX event socket.")
    var pbxSocket: String?

    @Option(name: .customLong("control-socket"), help: "Path of the control socket hotlinectl talks to.")
    var controlSocket: String?

    @Option(name: .customLong("state-dir"), help: "State directory (spool, embedded database).")
    var stateDir: String?

    @Option(name: .long, help: "Clock: system (default) or manual (tests only; moved by `hotlinectl clock`).")
    var clock: String?

    @Option(name: .customLong("clock-start"), help: "Start time of the manual clock, RFC 3339.")
    var clockStart: String?

    /// Built-in defaults, then the config file, then these options.
    func resolve() throws -> Configuration {
        var configuration = Configuration.defaults
        if let config {
            try configuration.load(file: config, required: true)
        } else {
            try configuration.load(file: Configuration.defaultConfigFile, required: false)
        }
        if let database { configuration.database = database.isEmpty ? nil : database }
        if let pbxSocket { configuration.pbxSocket = pbxSocket }
        if let controlSocket { configuration.controlSocket = controlSocket }
        if let stateDir { configuration.stateDirectory = stateDir }
        if let clock {
            guard let mode = Configuration.ClockMode(rawValue: clock) else {
                throw ValidationError("--clock must be system or manual, not '\(clock)'")
            }
            configuration.clock = mode
        }
        if let clockStart {
            guard let start = TimeFormatting.parseRFC3339(clockStart) else {
                throw ValidationError("--clock-start must be an RFC 3339 time such as 2026-11-30T09:00:00+08:00")
            }
            guard configuration.clock == .manual else {
                throw ValidationError("--clock-start needs --clock manual")
            }
            configuration.clockStart = start
        }
        return configuration
    }
}

extension Hotlined {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Run the daemon in the foreground (the default)."
        )

        @OptionGroup var options: DaemonOptions

        func run() async throws {
            Daemon.bootstrapLogging()
            let logger = Logger(label: "hotlined")
            let configuration: Configuration
            do {
                configuration = try options.resolve()
                _ = try configuration.complaintRules()
            } catch let error as ConfigFileError {
                logger.critical("bad configuration: \(error)")
                throw ExitCode(78)  // EX_CONFIG
            }
            do {
                let options = options
                try await Daemon.run(configuration: configuration, reload: { try options.resolve() }, logger: logger)
            } catch {
                logger.critical("hotlined cannot run: \(error)")
                throw ExitCode.failure
            }
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Apply pending sql/ migrations to the database and exit.",
            discussion: "Each migration runs once, in a transaction, recorded in hotline.schema_migrations. "
                + "Running it again is a no-op."
        )

        @OptionGroup var options: DaemonOptions

        func run() async throws {
            Daemon.bootstrapLogging()
            let logger = Logger(label: "hotlined.migrate")
            do {
                let configuration = try options.resolve()
                let applied = try await Daemon.migrate(configuration: configuration, logger: logger)
                print(
                    applied.isEmpty
                        ? "schema up to date"
                        : "applied migrations: \(applied.map(String.init).joined(separator: ", "))"
                )
            } catch let error as ValidationError {
                throw error
            } catch let error as ConfigFileError {
                logger.critical("bad configuration: \(error)")
                throw ExitCode(78)  // EX_CONFIG, as for serving
            } catch {
                logger.critical("migrate failed: \(error)")
                throw ExitCode.failure
            }
        }
    }
}
