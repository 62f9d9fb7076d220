/// Why a text such as `--by "2 working days"` or a `[policy]` value is not an ``Allowance``.
///
/// Every case names the text as given, so the message can be shown as it is to the operator.
public enum AllowanceParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    /// No number in front, e.g. `hours`.
    case missingNumber(text: String)
    /// A number without a unit, e.g. `30`.
    case missingUnit(text: String)
    /// A unit that is not known, e.g. `fortnight`.
    case unknownUnit(unit: String, text: String)
    /// Plain days (`1 day`, `1天`): a working day or 24 hours? The text must say.
    case ambiguousDays(text: String)
    /// Zero or negative.
    case notPositive(text: String)
    /// A fraction that is not a whole number of minutes, e.g. `1.01h`.
    case notWholeMinutes(text: String)
    /// A fraction of a working day, e.g. `1.5 working days`; write business hours instead.
    case fractionalWorkingDays(text: String)
    /// More than a year.
    case tooLarge(text: String)

    static let examples = "e.g. 1h, 90m, 30 min, 4 business hours, 30 business minutes, 1 working day, 2个工作日, 4小时"

    static let examplesZh = "例如 1h、90m、30 min、4 business hours、30 business minutes、1 working day、2个工作日、4小时"

    public var description: String { text(in: .en) }

    /// The message in the reader's language; the configuration loader uses ``description`` (English, like the
    /// rest of the daemon's log).
    public func text(in language: Language) -> String {
        language == .zh ? chinese : english
    }

    private var english: String {
        switch self {
        case .empty:
            return "allowance is empty (\(AllowanceParseError.examples))"
        case .missingNumber(let text):
            return "allowance \"\(text)\": expected a number first (\(AllowanceParseError.examples))"
        case .missingUnit(let text):
            return "allowance \"\(text)\": a unit is missing (\(AllowanceParseError.examples))"
        case .unknownUnit(let unit, let text):
            return "allowance \"\(text)\": unknown unit \"\(unit)\" (\(AllowanceParseError.examples))"
        case .ambiguousDays(let text):
            return "allowance \"\(text)\": say \"working days\" (工作日) for business time or hours (e.g. 24h) "
                + "for wall-clock time"
        case .notPositive(let text):
            return "allowance \"\(text)\": must be more than zero"
        case .notWholeMinutes(let text):
            return "allowance \"\(text)\": must be a whole number of minutes"
        case .fractionalWorkingDays(let text):
            return "allowance \"\(text)\": working days must be whole; use business hours for parts of a day"
        case .tooLarge(let text):
            return "allowance \"\(text)\": longer than a year"
        }
    }

    private var chinese: String {
        let examples = AllowanceParseError.examplesZh
        switch self {
        case .empty:
            return "时长为空（\(examples)）"
        case .missingNumber(let text):
            return "时长“\(text)”：应以数字开头（\(examples)）"
        case .missingUnit(let text):
            return "时长“\(text)”：缺少单位（\(examples)）"
        case .unknownUnit(let unit, let text):
            return "时长“\(text)”：未知单位“\(unit)”（\(examples)）"
        case .ambiguousDays(let text):
            return "时长“\(text)”：工作时间请写“工作日”（working days），自然时间请写小时（如 24h）"
        case .notPositive(let text):
            return "时长“\(text)”：必须大于零"
        case .notWholeMinutes(let text):
            return "时长“\(text)”：必须是整数分钟"
        case .fractionalWorkingDays(let text):
            return "时长“\(text)”：工作日须为整数；不足一天请用工作小时"
        case .tooLarge(let text):
            return "时长“\(text)”：超过一年"
        }
    }
}
