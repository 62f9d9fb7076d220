/// Why a calendar file (plain text or iCalendar) was refused; names the file, the line and what is wrong.
///
/// Imports are all-or-nothing, so the first error stops the import and nothing of the file is used.
public struct CalendarImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong at ``line``.
    public enum Problem: Sendable, Equatable {
        /// A date without `holiday` or `workday` after it.
        case missingKind
        /// A word other than `holiday` or `workday` where the kind belongs.
        case unknownKind(String)
        /// Not a real date in the form `YYYY-MM-DD` (or `YYYYMMDD` in iCalendar), e.g. 2026-02-30.
        case badDate(String)
        /// The date was already declared with the other kind at `firstLine`.
        case conflictingDate(LocalDate, firstLine: Int)
        /// A VEVENT without DTSTART.
        case missingStart
        /// A DTSTART or DTEND with a time of day: holiday feeds must use all-day dates.
        case notAllDay(String)
        /// DTEND is not after DTSTART.
        case endNotAfterStart
        /// A DURATION other than whole days or weeks (`P1D`, `P2W`).
        case badDuration(String)
        /// An event spanning more days than any holiday does.
        case eventTooLong(days: Int)
        /// RRULE or RDATE: recurring events are not expanded, so they would silently be wrong.
        case recurrenceNotSupported(String)
        /// A BEGIN without its END before the end of the file.
        case unterminated(String)
        /// An END that does not close the innermost BEGIN.
        case unexpectedEnd(String)
        /// A line that is not `NAME[;PARAM=…]:VALUE`.
        case malformedLine(String)
    }

    public var fileName: String
    /// 1-based line number in the file (for folded iCalendar lines: the first physical line).
    public var line: Int
    public var problem: Problem

    public init(fileName: String, line: Int, problem: Problem) {
        self.fileName = fileName
        self.line = line
        self.problem = problem
    }

    /// `cn-2027.txt:12: unknown kind "holliday" (expected holiday or workday)`.
    public var description: String { text(in: .en) }

    /// The message in the reader's language, file and line first.
    public func text(in language: Language) -> String {
        "\(fileName):\(line): \(language == .zh ? chineseProblemText : problemText)"
    }

    private var chineseProblemText: String {
        switch problem {
        case .missingKind:
            return "日期后面须写 holiday（节假日）或 workday（调休上班）"
        case .unknownKind(let word):
            return "未知类型“\(word)”（应为 holiday 或 workday）"
        case .badDate(let text):
            return "“\(text)”不是有效日期（格式 YYYY-MM-DD，如 2026-10-01）"
        case .conflictingDate(let date, let firstLine):
            return "\(date) 与第 \(firstLine) 行冲突，该行给同一日期定了另一种类型"
        case .missingStart:
            return "VEVENT 缺少 DTSTART"
        case .notAllDay(let value):
            return "“\(value)”带有时刻；节假日事件须为全天日期（DTSTART;VALUE=DATE:YYYYMMDD）"
        case .endNotAfterStart:
            return "DTEND 不晚于 DTSTART（DTEND 不含当天：一天的事件在次日结束）"
        case .badDuration(let value):
            return "DURATION“\(value)”不是整天或整周（如 P1D、P2W）"
        case .eventTooLong(let days):
            return "事件跨 \(days) 天，没有这么长的节假日"
        case .recurrenceNotSupported(let name):
            return "不支持 \(name)：请把每个节假日列为单独的事件"
        case .unterminated(let component):
            return "BEGIN:\(component) 没有对应的 END:\(component)"
        case .unexpectedEnd(let component):
            return "END:\(component) 与当前打开的组件不对应"
        case .malformedLine(let text):
            return "“\(text)”不是 NAME:VALUE 形式的内容行"
        }
    }

    private var problemText: String {
        switch problem {
        case .missingKind:
            return "the date must be followed by holiday or workday"
        case .unknownKind(let word):
            return "unknown kind \"\(word)\" (expected holiday or workday)"
        case .badDate(let text):
            return "\"\(text)\" is not a valid date (expected YYYY-MM-DD, e.g. 2026-10-01)"
        case .conflictingDate(let date, let firstLine):
            return "\(date) conflicts with line \(firstLine), which gives the same date the other kind"
        case .missingStart:
            return "VEVENT without DTSTART"
        case .notAllDay(let value):
            return "\"\(value)\" has a time of day; holiday events must be all-day dates (DTSTART;VALUE=DATE:YYYYMMDD)"
        case .endNotAfterStart:
            return "DTEND is not after DTSTART (DTEND is exclusive: a one-day event ends the next day)"
        case .badDuration(let value):
            return "DURATION \"\(value)\" is not whole days or weeks (e.g. P1D, P2W)"
        case .eventTooLong(let days):
            return "the event spans \(days) days; no holiday is that long"
        case .recurrenceNotSupported(let name):
            return "\(name) is not supported: list every holiday as its own event"
        case .unterminated(let component):
            return "BEGIN:\(component) has no END:\(component)"
        case .unexpectedEnd(let component):
            return "END:\(component) does not close the component that is open"
        case .malformedLine(let text):
            return "\"\(text)\" is not a content line NAME:VALUE"
        }
    }
}
