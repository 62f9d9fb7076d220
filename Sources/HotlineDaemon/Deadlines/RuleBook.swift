import HotlineCore
import HotlineStore
import Synchronization

/// The complaint rules in force, shared by the control handler and the deadline scheduler; the calendar part
/// changes when holidays are imported.
public final class RuleBook: Sendable {
    private let rules: Mutex<ComplaintContext>

    public init(_ rules: ComplaintContext) {
        self.rules = Mutex(rules)
    }

    public var current: ComplaintContext { rules.withLock { $0 } }

    /// Applies imported holiday and make-up day overrides on top of the configured calendar.
    public func apply(_ overrides: [CalendarOverride]) {
        rules.withLock { $0.calendar.apply(overrides) }
    }
}
