import Foundation
import HotlineCore
import HotlineStore
import Synchronization

/// The rules in force, shared by the control handler and the deadline scheduler. Two sources feed it: the
/// configuration (replaced whole on SIGHUP) and holiday imports stored in the database (`calendar import`), which
/// stay applied on top of whatever configuration is in force.
public final class RuleBook: Sendable {
    private struct State {
        var configured: ComplaintContext
        var imported: [CalendarOverride]
        var notification: NotificationSettings
        var warnFrom: MonthDay
        var current: ComplaintContext
        var qaGrading: QAGradingPolicy = .standard
    }

    private let state: Mutex<State>

    public init(
        _ rules: ComplaintContext,
        notification: NotificationSettings = NotificationSettings(),
        warnFrom: MonthDay = .defaultWarnFrom
    ) {
        state = Mutex(
            State(configured: rules, imported: [], notification: notification, warnFrom: warnFrom, current: rules)
        )
    }

    public var current: ComplaintContext { state.withLock { $0.current } }

    public var notification: NotificationSettings { state.withLock { $0.notification } }

    /// `[calendar] warn_from`: from this day of the year on, a missing schedule for next year is warned about.
    public var warnFrom: MonthDay { state.withLock { $0.warnFrom } }

    /// `[qa]`: how `qa stats` grades departments.
    public var qaGrading: QAGradingPolicy { state.withLock { $0.qaGrading } }

    /// Puts `[qa]` in force: at start and on every reload, with the rest of the configuration.
    public func setQAGrading(_ policy: QAGradingPolicy) {
        state.withLock { $0.qaGrading = policy }
    }

    /// The imported overrides in force, as last loaded from the database.
    public var imported: [CalendarOverride] { state.withLock { $0.imported } }

    /// Puts the database's imported holiday and make-up day overrides (all of them) in force on top of the
    /// configured calendar.
    public func setImported(_ overrides: [CalendarOverride]) {
        state.withLock { state in
            state.imported = overrides
            state.current = state.configured
            state.current.calendar.apply(overrides)
        }
    }

    /// The configured calendar with the given imported overrides applied, as ``setImported(_:)`` would make it.
    public func calendar(withImported overrides: [CalendarOverride]) -> WorkCalendar {
        var calendar = state.withLock { $0.configured.calendar }
        calendar.apply(overrides)
        return calendar
    }

    /// Puts a reloaded configuration's rules in force, keeping the imported days applied over its calendar.
    public func replace(_ rules: ComplaintContext, notification: NotificationSettings, warnFrom: MonthDay) {
        state.withLock { state in
            state.configured = rules
            state.notification = notification
            state.warnFrom = warnFrom
            state.current = rules
            state.current.calendar.apply(state.imported)
        }
    }
}

/// `[policy] notification_command` and its timeout: what runs for every warning and breach.
public struct NotificationSettings: Sendable, Equatable {
    public var command: String?
    public var timeout: TimeInterval

    public init(command: String? = nil, timeout: TimeInterval = 10) {
        self.command = command
        self.timeout = timeout
    }
}
