/// A day of the week, Monday first as in China and ISO 8601.
public enum Weekday: String, Sendable, CaseIterable, Codable, Comparable, CustomStringConvertible {
    case monday
    case tuesday
    case wednesday
    case thursday
    case friday
    case saturday
    case sunday

    /// ISO 8601 day number: Monday 1 … Sunday 7.
    public var isoNumber: Int {
        switch self {
        case .monday: return 1
        case .tuesday: return 2
        case .wednesday: return 3
        case .thursday: return 4
        case .friday: return 5
        case .saturday: return 6
        case .sunday: return 7
        }
    }

    /// Saturday and Sunday: the days that are off unless a make-up working day says otherwise.
    public var isWeekend: Bool {
        self == .saturday || self == .sunday
    }

    /// The three-letter English name used in business-hours settings (`mon`, `tue`, …).
    public var shortName: String {
        String(rawValue.prefix(3))
    }

    /// A short name for people: `Mon` or `周一`.
    public func abbreviation(in language: Language) -> String {
        switch language {
        case .en:
            return shortName.prefix(1).uppercased() + shortName.dropFirst()
        case .zh:
            let names = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
            return names[isoNumber - 1]
        }
    }

    /// Reads `mon`, `monday`, `Mon` and the like; nil for anything else.
    public init?(name: String) {
        let lowered = name.lowercased()
        guard let match = Weekday.allCases.first(where: { $0.shortName == lowered || $0.rawValue == lowered }) else {
            return nil
        }
        self = match
    }

    public var description: String { shortName }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool {
        lhs.isoNumber < rhs.isoNumber
    }
}
