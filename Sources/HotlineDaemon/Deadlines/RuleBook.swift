import Foundation
import HotlineCore
import HotlineStore
import Synchronization

/// The rules in force, shared by the control handler and the deadline scheduler. Two sources feed it: the
/// configuration (replaced whole on SIGHUP) and holiday imports stored in the database (`calendar import`), which
/// stay applied on top of whatever configuration is in force.
public final class RuleBook: Sendable {
    private struct State {
        var imported: [CalendarOverride]
        var notification: NotificationSettings
        var current: ComplaintContext
    }

    private let state: Mutex<State>

    public init(_ rules: ComplaintContext, notification: NotificationSettings = NotificationSettings()) {
        state = Mutex(State(imported: [], notification: notification, current: rules))
    }

    public var current: ComplaintContext { state.withLock { $0.current } }

    public var notification: NotificationSettings { state.withLock { $0.notification } }

    /// Applies imported holiday and make-up day overrides on top of the configured calendar.
    public func apply(_ overrides: [CalendarOverride]) {
        state.withLock { state in
            state.imported += overrides
            state.current.calendar.apply(overrides)
        }
    }

    /// Puts a reloaded configuration's rules in force, keeping the imported days applied over its calendar.
    public func replace(_ rules: ComplaintContext, notification: NotificationSettings) {
        state.withLock { state in
            state.notification = notification
            var current = rules
            current.calendar.apply(state.imported)
            state.current = current
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
