import Foundation
import Synchronization

/// Where the daemon gets "now" from. Production uses the system clock; tests use a manual clock that only
/// `hotlinectl clock advance|set` moves, so the 1-hour timer is tested without sleeping (SPEC §3).
public protocol HotlineClock: Sendable {
    func now() -> Date
    /// `system` or `manual`, as `status` reports it.
    var kind: String { get }
}

public struct SystemClock: HotlineClock {
    public init() {}
    public func now() -> Date { Date() }
    public var kind: String { "system" }
}

/// A clock frozen at a start time that moves only when told to.
public final class ManualClock: HotlineClock {
    private let current: Mutex<Date>

    public init(start: Date) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }
    public var kind: String { "manual" }

    /// Moves the clock forward; a manual clock never runs backwards, so deadlines that fired stay fired.
    public func advance(by seconds: TimeInterval) throws(ClockError) {
        guard seconds >= 0 else { throw .backwards }
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    public func set(to date: Date) throws(ClockError) {
        try current.withLock { (value: inout Date) throws(ClockError) in
            guard date >= value else { throw .backwards }
            value = date
        }
    }
}

public enum ClockError: Error, Sendable, Equatable, CustomStringConvertible {
    case backwards
    case notManual

    public var description: String {
        switch self {
        case .backwards: return "the manual clock only moves forward"
        case .notManual: return "the daemon runs on the system clock; clock commands need `hotlined --clock manual`"
        }
    }
}
