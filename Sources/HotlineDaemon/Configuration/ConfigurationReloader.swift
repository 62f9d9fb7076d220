import Foundation
import HotlineCore
import Logging
import Synchronization

/// SIGHUP: reads the configuration again (file and calendar files) and puts the new rules in force without
/// dropping a connection. A configuration that does not load or check keeps the old one in force, with the error
/// in the journal and in the unit's status text.
public final class ConfigurationReloader: Sendable {
    /// Defaults, then the config file, then the command line: the same resolution as at start.
    public typealias Loader = @Sendable () throws -> Configuration

    private let running: Mutex<Configuration>
    private let load: Loader
    private let rules: RuleBook
    private let logger: Logger

    public init(running: Configuration, load: @escaping Loader, rules: RuleBook, logger: Logger) {
        self.running = Mutex(running)
        self.load = load
        self.rules = rules
        self.logger = logger
    }

    /// One reload, reported to systemd as RELOADING=1 … READY=1 whatever its outcome (the daemon keeps serving).
    @discardableResult
    public func reload() -> Bool {
        Systemd.reloading()
        let current = running.withLock { $0 }
        do {
            let fresh = try load()
            let next = current.reloaded(with: fresh)
            let newRules = try next.complaintRules()
            rules.replace(newRules, notification: next.notification, warnFrom: next.warnFrom)
            rules.setQAGrading(next.qaGrading)
            running.withLock { $0 = next }
            let restartOnly = current.restartOnlyChanges(in: fresh)
            if !restartOnly.isEmpty {
                logger.warning(
                    "configuration reloaded; changed keys that take effect only at the next restart: \(restartOnly.joined(separator: ", "))",
                    metadata: ["config_file": "\(next.configFile ?? "none")"]
                )
            } else {
                logger.notice("configuration reloaded", metadata: ["config_file": "\(next.configFile ?? "none")"])
            }
            Systemd.ready(status: "serving; configuration reloaded")
            return true
        } catch {
            logger.error("reload refused, the previous configuration stays in force: \(error)")
            Systemd.ready(status: "serving; reload refused: \(error)")
            return false
        }
    }
}
