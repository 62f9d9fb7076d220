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
                case .resolve(let answer): try InputLimits.hopText("--answer").check(answer)
                case .transfer(_, let reason), .reroute(_, let reason), .returnToCoordination(let reason),
                    .escalate(_, let reason), .extend(_, let reason, _):
                    try InputLimits.hopText("--reason").check(reason)
                case .reply(let result): try InputLimits.hopText("--result").check(result)
                case .urge(let note): try InputLimits.hopText("--note").check(note)
                case .feedback(_, let comment): try InputLimits.satisfactionComment.check(comment)
                case .accept, .handover: break
                }
            default: break
            }
        } catch {
            throw ControlError(code: .invalid, zh: error.text(in: .zh), en: error.text(in: .en), language: language)
        }
    }
}
