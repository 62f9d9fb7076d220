import Foundation
import HotlineCore
import HotlineProtocol

/// `clock advance|set`: the manual clock of drills and tests (admin); each answers with `status`.
extension ControlHandler {
    func advanceClock(by seconds: Int, caller: Caller, language: Language) throws -> JSONValue {
        try manualClock(caller, language: language).advance(by: TimeInterval(seconds))
        deadlinesChanged()
        return status(language: language).json
    }

    func setClock(to time: Date, caller: Caller, language: Language) throws -> JSONValue {
        try manualClock(caller, language: language).set(to: time)
        deadlinesChanged()
        return status(language: language).json
    }

    private func manualClock(_ caller: Caller, language: Language) throws -> ManualClock {
        try require(.admin, of: caller, for: "clock", language: language)
        guard let manual = clock as? ManualClock else { throw ClockError.notManual }
        return manual
    }
}
