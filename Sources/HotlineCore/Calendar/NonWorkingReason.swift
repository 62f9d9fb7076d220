/// Why a day has no business time at all; deadline explanations and the month sheet show it.
public enum NonWorkingReason: Sendable, Hashable, Codable {
    /// Saturday or Sunday without a make-up working day.
    case weekend
    /// A public holiday from the calendar, with its name.
    case holiday(name: String)
    /// A weekday on which the weekly business hours have no periods (or a make-up day with no template).
    case closedDay

    /// A short phrase for people: `weekend`, `holiday 国庆节 National Day`, `closed day`.
    public func text(in language: Language) -> String {
        switch (self, language) {
        case (.weekend, .en): return "weekend"
        case (.weekend, .zh): return "周末"
        case (.holiday(let name), .en): return name.isEmpty ? "holiday" : "holiday: \(name)"
        case (.holiday(let name), .zh): return name.isEmpty ? "节假日" : "节假日:\(name)"
        case (.closedDay, .en): return "closed day"
        case (.closedDay, .zh): return "非工作日"
        }
    }
}
