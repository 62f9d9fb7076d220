import Foundation
import HotlineCore
import HotlineStore
import Logging
import Synchronization

/// Keeps the calendar in force honest while the daemon runs (SPEC §4):
///
/// - another daemon on the same database may import a holiday schedule; this one notices (a cheap fingerprint of
///   the stored overrides) and puts it in force too, so that deadlines it computes agree;
/// - from `[calendar] warn_from` on, and all year when the current year has no official schedule, it warns in the
///   journal (once a day, and again when the warning changes) and in systemd's `STATUS=`.
public final class CalendarWatch: Sendable {
    private let rules: RuleBook
    private let clock: any HotlineClock
    private let database: PostgresSession
    private let logger: Logger
    private struct State {
        var fingerprint: String?
        var logged: (day: LocalDate, warnings: [ScheduleWarning])?
    }
    private let state = Mutex(State())

    public init(rules: RuleBook, clock: any HotlineClock, database: PostgresSession, logger: Logger) {
        self.rules = rules
        self.clock = clock
        self.database = database
        self.logger = logger
    }

    /// The warnings in force now, on the daemon's clock (the manual clock in drills and tests).
    public var warnings: [ScheduleWarning] {
        let calendar = rules.current.calendar
        return calendar.scheduleWarnings(on: calendar.localDate(of: clock.now()), warnFrom: rules.warnFrom)
    }

    /// A short text for systemd's `STATUS=`, empty when there is nothing to warn about.
    public var statusSuffix: String {
        let years = warnings.map { String($0.year) }
        return years.isEmpty ? "" : "; WARNING: no official holiday schedule for \(years.joined(separator: ", "))"
    }

    /// Logs the warnings when the day or the warnings changed since the last time.
    public func logWarnings() {
        let calendar = rules.current.calendar
        let today = calendar.localDate(of: clock.now())
        let current = warnings
        let changed = state.withLock { state -> Bool in
            if let logged = state.logged, logged.day == today, logged.warnings == current { return false }
            state.logged = (today, current)
            return true
        }
        guard changed else { return }
        for warning in current {
            logger.warning(
                "\(warning.text(in: .en))",
                metadata: [
                    "EVENT_ID": "calendar_schedule_missing", "year": "\(warning.year)",
                    "calendar_official_through": "\(calendar.officialThrough?.description ?? "none")",
                ]
            )
        }
    }

    /// Puts in force the overrides another daemon imported since the last look; true when something changed.
    @discardableResult
    public func refreshImports() async -> Bool {
        do {
            let fingerprint = try await database.withConnection { connection in
                try CalendarStore.fingerprint(on: connection)
            }
            let known = state.withLock { $0.fingerprint }
            guard fingerprint != known else { return false }
            let stored = try await database.withConnection { connection in try CalendarStore.load(on: connection) }
            rules.setImported(stored)
            state.withLock { $0.fingerprint = fingerprint }
            if known != nil {
                logger.notice(
                    "calendar imports changed on the database; now in force",
                    metadata: ["days": "\(stored.count)"]
                )
            }
            return known != nil
        } catch {
            logger.debug("calendar refresh skipped", metadata: ["error": "\(error)"])
            return false
        }
    }
}
