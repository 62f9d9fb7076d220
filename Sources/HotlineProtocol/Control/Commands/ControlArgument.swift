import Foundation
import HotlineCore

/// The checks of argument values that `hotlinectl` makes before sending and the daemon makes again on receipt, with
/// one message each in both languages (a usage error: exit 2).
public enum ControlArgument {
    private static func invalid(_ zh: String, _ en: String, _ language: Language) -> ControlError {
        ControlError(code: .invalid, zh: zh, en: en, language: language)
    }

    /// `--role` values; none given means an operator.
    public static func roles(_ names: [String], language: Language) throws(ControlError) -> Set<Role> {
        var roles = Set<Role>()
        for name in names {
            guard let role = Role(rawValue: name) else {
                let known = Role.allCases.map(\.rawValue).joined(separator: ", ")
                throw invalid("未知角色“\(name)”；角色为 \(known)", "unknown role '\(name)'; roles are \(known)", language)
            }
            roles.insert(role)
        }
        return roles.isEmpty ? [.operator] : roles
    }

    public static func state(_ text: String, language: Language) throws(ControlError) -> ComplaintState {
        guard let state = ComplaintState(rawValue: text) else {
            let states = ComplaintState.allCases.map(\.rawValue).joined(separator: ", ")
            throw invalid("--state 须为以下之一：\(states)", "--state must be one of \(states)", language)
        }
        return state
    }

    public static func phone(_ text: String, language: Language) throws(ControlError) -> PhoneNumber {
        do {
            return try PhoneNumber(validating: text)
        } catch {
            throw invalid("--phone：\(error.text(in: .zh))", "--phone: \(error.text(in: .en))", language)
        }
    }

    /// `escalate --to`: qa, vp or gm.
    public static func escalationLevel(_ text: String, language: Language) throws(ControlError) -> EscalationLevel {
        guard let level = EscalationLevel(rawValue: text), level != .none else {
            throw invalid("--to 须为 qa、vp 或 gm", "--to must be qa, vp or gm", language)
        }
        return level
    }

    /// `extend --by`: `4h`, `2 working days`, `30 business minutes`.
    public static func allowance(_ text: String, language: Language) throws(ControlError) -> Allowance {
        do {
            return try Allowance(parsing: text)
        } catch {
            throw invalid("--by：\(error.text(in: .zh))", "--by: \(error.text(in: .en))", language)
        }
    }

    /// `--period 2026-11` or `2026-Q4`.
    public static func period(_ text: String, language: Language) throws(ControlError) -> ReportingPeriod {
        guard let period = ReportingPeriod(parsing: text) else {
            throw invalid(
                "--period 应为月份（2026-11）或季度（2026-Q4）",
                "--period must be a month (2026-11) or a quarter (2026-Q4)",
                language
            )
        }
        return period
    }

    /// `--month 2026-10`.
    public static func month(_ text: String, language: Language) throws(ControlError) -> YearMonth {
        guard let month = YearMonth(string: text) else {
            throw invalid("--month 格式应为 2026-10", "--month must look like 2026-10", language)
        }
        return month
    }

    /// A `YYYY-MM-DD` date of option `--name`.
    public static func date(_ text: String, option: String, language: Language) throws(ControlError) -> LocalDate {
        guard let date = LocalDate(string: text) else {
            throw invalid("--\(option) 应为日期，如 2026-11-01", "--\(option) must be a date such as 2026-11-01", language)
        }
        return date
    }

    /// An RFC 3339 time with an offset, of option `--name`.
    public static func time(_ text: String, option: String, language: Language) throws(ControlError) -> Date {
        guard let time = TimeFormatting.parseRFC3339(text) else {
            throw invalid(
                "--\(option) 须为带时区偏移的 RFC 3339 时间，如 2026-11-30T09:00:00+08:00：\(text)",
                "--\(option): not an RFC 3339 time with an offset, such as 2026-11-30T09:00:00+08:00: \(text)",
                language
            )
        }
        return time
    }

    /// A new matter's fields (SPEC §12), each within its limit.
    public static func matter(_ matter: Matter, language: Language) throws(ControlError) -> Matter {
        do {
            return try matter.validated()
        } catch {
            throw ControlError(code: .invalid, message: error.text(in: language))
        }
    }

    /// The fields `matter edit` changes, each within its limit; at least one.
    public static func matterChanges(_ changes: MatterChanges, language: Language) throws(ControlError)
        -> MatterChanges
    {
        guard !changes.isEmpty else {
            throw invalid(
                "matter edit 须至少修改一个字段（如 --title、--materials）",
                "matter edit needs at least one field to change (such as --title, --materials)",
                language
            )
        }
        do {
            return try changes.validated()
        } catch {
            throw ControlError(code: .invalid, message: error.text(in: language))
        }
    }

    /// `matter search TEXT`: not blank, at most 200 characters.
    public static func searchText(_ text: String, language: Language) throws(ControlError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw invalid("搜索内容不能为空", "the search text must not be empty", language) }
        guard trimmed.unicodeScalars.count <= 200 else {
            throw invalid("搜索内容最多 200 个字", "the search text is longer than 200 characters", language)
        }
        return trimmed
    }

    /// `--limit` of a listing: 1…100.
    public static func limit(_ limit: Int, language: Language) throws(ControlError) -> Int {
        guard (1...100).contains(limit) else {
            throw invalid("--limit 须在 1 到 100 之间", "--limit must be between 1 and 100", language)
        }
        return limit
    }

    /// `--told CODE…`: matter codes, each well formed, repeats dropped (order kept).
    public static func matterCodes(_ codes: [String], language: Language) throws(ControlError) -> [String] {
        var result: [String] = []
        for code in codes {
            let checked: String
            do {
                checked = try Matter(
                    code: code,
                    title: "-",
                    department: "-",
                    conditions: "-",
                    materials: "-",
                    fees: "-",
                    timeLimit: "-",
                    procedure: "-"
                ).validated().code
            } catch {
                throw ControlError(code: .invalid, message: "--told: " + error.text(in: language))
            }
            if !result.contains(checked) { result.append(checked) }
        }
        return result
    }

    /// `callback done --outcome`: reached, no_answer or wrong_number.
    public static func callbackOutcome(_ text: String, language: Language) throws(ControlError) -> CallbackOutcome {
        guard let outcome = CallbackOutcome(rawValue: text) else {
            throw invalid(
                "--outcome 须为 reached、no_answer 或 wrong_number",
                "--outcome must be reached, no_answer or wrong_number",
                language
            )
        }
        return outcome
    }

    /// `callback done --note`: at most 500 characters; blank is none.
    public static func callbackNote(_ text: String?, language: Language) throws(ControlError) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        guard text.unicodeScalars.count <= 500 else {
            throw invalid("--note 最多 500 个字", "--note is longer than 500 characters", language)
        }
        return text
    }
}

extension ControlCommand {
    /// Refuses text over its limit (``InputLimits``) before anything is stored, naming the option and the limit:
    /// `hotlinectl` checks before sending, the daemon again on receipt.
    public func checkLimits(language: Language) throws(ControlError) {
        do {
            switch self {
            case .complaintFile(let filing):
                try InputLimits.callerName.check(filing.callerName)
                try InputLimits.callerAddress.check(filing.callerAddress)
                try InputLimits.matter.check(filing.matter)
                try InputLimits.category.check(filing.category)
            case .complaint(_, let verb):
                switch verb {
                case .resolve(let answer, _): try InputLimits.hopText("--answer").check(answer)
                case .transfer(_, let reason), .reroute(_, let reason), .returnToCoordination(let reason),
                    .escalate(_, let reason), .extend(_, let reason, _):
                    try InputLimits.hopText("--reason").check(reason)
                case .reply(let result): try InputLimits.hopText("--result").check(result)
                case .urge(let note): try InputLimits.hopText("--note").check(note)
                case .feedback(_, let comment): try InputLimits.satisfactionComment.check(comment)
                case .accept, .handover: break
                }
            case .complaintMerge(_, _, let reason):
                // The reason is the text of the hops on both cases.
                try InputLimits.hopText("--reason").check(reason)
            default: break
            }
        } catch {
            throw ControlError(code: .invalid, zh: error.text(in: .zh), en: error.text(in: .en), language: language)
        }
    }
}
