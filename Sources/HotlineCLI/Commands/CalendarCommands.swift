import ArgumentParser
import Foundation
import HotlineCore
import HotlineProtocol

extension HotlineCtl {
    struct CalendarCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calendar",
            abstract: "The work calendar: public holidays and make-up working days (调休).",
            subcommands: [Import.self, Show.self]
        )

        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Import holidays and make-up working days (admin).",
                discussion: """
                    FILE holds lines `YYYY-MM-DD holiday|workday [name]` with # comments, or is an iCalendar (.ics) \
                    feed whose all-day events are holidays (events named 补班/上班 are make-up working days). A bad line \
                    is refused with the file and line named, and nothing of that file is applied.

                    A file that makes every statutory holiday of a year a holiday is that year's official schedule: \
                    it replaces the provisional days Hotline computed for the year. Pending deadlines whose span \
                    crossed a day that changed are computed again from their start, and each move is recorded and \
                    shown by `complaint show`; deadlines already met or breached do not move.

                    Example: hotlinectl calendar import /etc/hotline/calendars/cn-2027.txt
                    """
            )
            @Argument(help: "The calendar file.") var file: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                guard let data = FileManager.default.contents(atPath: file),
                    let text = String(data: data, encoding: .utf8)
                else {
                    throw global.failure(
                        status: 2,
                        zh: "无法以 UTF-8 文本读取 \(file)",
                        en: "cannot read \(file) as UTF-8 text"
                    )
                }
                let result = try global.send(.calendarImport(file: file, content: text))
                try global.emit(result, as: CalendarImportReport.self) { report in
                    let zh = global.language == .zh
                    var lines = [
                        zh
                            ? "已导入 \(file)：节假日 \(report.holidays) 天，调休上班 \(report.workdays) 天"
                            : "imported \(file): \(report.holidays) holidays, \(report.workdays) make-up working days"
                    ]
                    let official = report.officialYears.map(String.init).joined(separator: ", ")
                    let partial = report.partialYears.map(String.init).joined(separator: ", ")
                    if !official.isEmpty {
                        lines.append(
                            zh
                                ? "官方放假安排：\(official) 年（取代暂定的法定节假日）"
                                : "official schedule for \(official) (replaces the provisional days)"
                        )
                    }
                    if !partial.isEmpty {
                        lines.append(
                            zh
                                ? "\(partial) 年：文件未包含全部法定节假日，仅补充个别日期；暂定日仍然有效"
                                : "\(partial): not every statutory holiday is in the file, so it adds to "
                                    + "the calendar and the provisional days stay"
                        )
                    }
                    let moved = report.movedDeadlines
                    lines.append(zh ? "调整到期时间的待办时限：\(moved.count) 个" : "pending deadlines moved: \(moved.count)")
                    for move in moved {
                        lines.append("  #\(move.complaint) \(move.kind): \(move.oldDueAt) → \(move.newDueAt)")
                    }
                    return lines.joined(separator: "\n")
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show a month: working days, holidays, make-up days and business minutes.",
                discussion: """
                    Days of a year without an imported official schedule are statutory holidays computed by rule \
                    (元旦, 春节 除夕–初三, 清明, 劳动节 1–2 May, 端午, 中秋, 国庆 1–3 October, a weekend one \
                    compensated on the next weekday) and are marked provisional (暂定): the official schedule, once \
                    imported, replaces them and adds its make-up working days.

                    Example: hotlinectl calendar show --month 2027-01
                    """
            )
            @Option(help: "The month, e.g. 2026-10 (default: this month).") var month: String?
            @OptionGroup var global: GlobalOptions

            func validate() throws {
                if let month, YearMonth(string: month) == nil {
                    throw global.usageError(zh: "--month 格式应为 2026-10", en: "--month must look like 2026-10")
                }
            }

            func run() throws {
                let result = try global.send(.calendarShow(month: month.flatMap(YearMonth.init(string:))))
                let zh = global.language == .zh
                try global.emit(result, as: CalendarMonthView.self) { sheet in
                    let provisionalMark = zh ? "（暂定）" : " (provisional)"
                    var table = TextTable(
                        headers: zh ? ["日期", "星期", "上班", "工作分钟", "说明"] : ["Date", "Day", "Working", "Minutes", "Note"]
                    )
                    for day in sheet.days {
                        let weekday = Weekday(rawValue: day.weekday)
                        var note: String
                        switch day.override {
                        case "holiday"?: note = (zh ? "节假日 " : "holiday ") + (day.name ?? "")
                        case "workday"?: note = (zh ? "调休上班 " : "make-up working day ") + (day.name ?? "")
                        default: note = ""
                        }
                        if day.provisional { note += provisionalMark }
                        table.append([
                            day.date, weekday?.abbreviation(in: global.language) ?? day.weekday,
                            day.working ? (zh ? "是" : "yes") : (zh ? "否" : "no"), String(day.businessMinutes), note,
                        ])
                    }
                    var output = table.render()
                    if !sheet.official {
                        let through = sheet.calendarOfficialThrough
                        output +=
                            zh
                            ? "\n本年度尚未导入官方放假安排，标“暂定”的日子按法定节假日规则推算，且不含调休上班日"
                                + (through.map { "（官方安排截至 \($0)）" } ?? "") + "。"
                            : "\nNo official holiday schedule is imported for this year: days marked provisional are "
                                + "computed from the statutory rules, and make-up working days are unknown"
                                + (through.map { " (official schedules through \($0))" } ?? "") + "."
                    }
                    return output
                }
            }
        }
    }
}
