import ArgumentParser
import Foundation
import HotlineDaemon
import HotlineNotifier
import Logging
import UnixSignals

/// `hotline-notifier`: carries hotlined's notices beyond the terminal (SPEC §10) — webhooks, chat robots and a
/// command — with its own database role and its own systemd unit, so hotlined keeps no network access.
@main
struct HotlineNotifierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotline-notifier",
        abstract: "Deliver Hotline notices to webhooks, 企业微信/钉钉/飞书 robots and commands.",
        discussion: """
            Runs in the foreground. Reads /etc/hotline/notifier.toml (every key is documented in the shipped \
            notifier.toml); SIGHUP reloads it, and a file that does not load keeps the running configuration. \
            A bad file at start exits with status 78, naming the file, the line and the key.

            Quick start, without a file: every notice to one webhook, signed when a secret file is given:
              hotline-notifier --database 'host=/run/postgresql dbname=hotline' \\
                  --webhook https://hooks.example.com/hotline --secret-file /etc/hotline/webhook.secret

            Examples:
              hotline-notifier
              hotline-notifier --config ./notifier.toml --check
            """,
        version: HotlineVersion.current
    )

    @Option(name: .long, help: "Configuration file. Default: /etc/hotline/notifier.toml.")
    var config: String?

    @Option(name: .long, help: "libpq conninfo of a login in role hotline_notifier (overrides [database] conninfo).")
    var database: String?

    @Option(name: .long, help: "Quick start: deliver every notice to this http(s) URL; no configuration file.")
    var webhook: String?

    @Option(name: .customLong("secret-file"), help: "Quick start: file holding the webhook's HMAC secret.")
    var secretFile: String?

    @Flag(name: .long, help: "Check the configuration and exit (0 good, 78 bad).")
    var check = false

    func validate() throws {
        if webhook != nil && config != nil {
            throw ValidationError("--webhook replaces the configuration file; give --config or --webhook, not both")
        }
        if secretFile != nil && webhook == nil {
            throw ValidationError("--secret-file goes with --webhook (in a file, use secret_file in the channel)")
        }
    }

    /// The configuration as given: the quick-start options, or the file with --database on top.
    private func load() throws(NotifierConfigError) -> NotifierConfiguration {
        if let webhook {
            return try NotifierConfiguration.quickStart(database: database, webhook: webhook, secretFile: secretFile)
        }
        var configuration = try NotifierConfiguration.load(file: config ?? NotifierConfiguration.defaultFile)
        if let database { configuration.database = database }
        return configuration
    }

    func run() async throws {
        // Trapped before anything else: SIGHUP's default action would end the process during start-up.
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigterm, .sigint)
        Daemon.bootstrapLogging()
        let logger = Logger(label: "hotline-notifier")
        let configuration: NotifierConfiguration
        do {
            configuration = try load()
        } catch {
            logger.critical("bad configuration: \(error)")
            if !Systemd.isJournalStream { FileHandle.standardError.write(Data("\(error)\n".utf8)) }
            throw ExitCode(78)  // EX_CONFIG
        }
        if check {
            print("configuration good: \(configuration.deliveryRoutes.joined(separator: ", "))")
            return
        }
        let notifier = Notifier(configuration: configuration, logger: logger)
        let reload: @Sendable () -> Void = {
            Systemd.reloading()
            do {
                notifier.apply(try load())
                Systemd.notify("READY=1\nSTATUS=reloaded; delivering")
            } catch {
                // The running configuration stays: a typo must not stop notices.
                logger.error("reload refused, keeping the running configuration: \(error)")
                Systemd.notify("READY=1\nSTATUS=reload refused (\(error)); delivering with the previous configuration")
            }
        }
        let outcome: Result<Void, any Error> = await withTaskGroup(of: Result<Void, any Error>?.self) { group in
            group.addTask {
                for await signal in signals {
                    if signal == .sighup {
                        logger.info("SIGHUP: reloading the configuration")
                        reload()
                    } else {
                        logger.info("\(signal): stopping after the deliveries in flight")
                        Systemd.stopping()
                        notifier.stop()
                    }
                }
                return nil
            }
            group.addTask {
                // The watchdog is fed from here at half its interval, with STATUS= every 10 s or so.
                let interval = Systemd.watchdogInterval.map { min($0 / 2, .seconds(5)) } ?? .seconds(5)
                var round = 0
                while !Task.isCancelled {
                    Systemd.watchdog()
                    if round % 2 == 1 { Systemd.status(await notifier.status()) }
                    round += 1
                    try? await Task.sleep(for: interval)
                }
                return nil
            }
            group.addTask {
                do {
                    try await notifier.run {
                        let routes = configuration.deliveryRoutes.joined(separator: ", ")
                        logger.info("hotline-notifier ready", metadata: ["routes": "\(routes)"])
                        Systemd.ready(status: "delivering on \(configuration.deliveryRoutes.count) routes")
                    }
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            var outcome: Result<Void, any Error> = .success(())
            for await result in group {
                if let result {
                    outcome = result
                    group.cancelAll()
                }
            }
            return outcome
        }
        if case .failure(let error) = outcome {
            logger.critical("hotline-notifier cannot run: \(error)")
            throw ExitCode.failure
        }
        logger.info("hotline-notifier stopped")
    }
}
