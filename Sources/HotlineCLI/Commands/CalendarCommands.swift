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
                global.emit(result) { json in
                    let zh = global.language == .zh
                    let holidays = json["holidays"]?.intValue ?? 0
                    let workdays = json["workdays"]?.intValue ?? 0
                    var lines = [
                        zh
                            ? "已导入 \(file)：节假日 \(holidays) 天，调休上班 \(workdays) 天"
                            : "imported \(file): \(holidays) holidays, \(workdays) make-up working days"
                    ]
                    func years(_ key: String) -> String {
                        (json[key]?.arrayValue ?? []).compactMap(\.intValue).map(String.init).joined(separator: ", ")
                    }
                    if !years("official_years").isEmpty {
                        lines.append(
                            zh
                                ? "官方放假安排：\(years("official_years")) 年（取代暂定的法定节假日）"
                                : "official schedule for \(years("official_years")) (replaces the provisional days)"
                        )
                    }
                    if !years("partial_years").isEmpty {
                        lines.append(
                            zh
                                ? "\(years("partial_years")) 年：文件未包含全部法定节假日，仅补充个别日期；暂定日仍然有效"
                                : "\(years("partial_years")): not every statutory holiday is in the file, so it adds to "
                                    + "the calendar and the provisional days stay"
                        )
                    }
                    let moved = json["moved_deadlines"]?.arrayValue ?? []
                    lines.append(zh ? "调整到期时间的待办时限：\(moved.count) 个" : "pending deadlines moved: \(moved.count)")
                    for move in moved {
                        let complaint = move["complaint"]?.stringValue ?? ""
                        let kind = move["kind"]?.stringValue ?? ""
                        let old = move["old_due_at"]?.stringValue ?? ""
                        let new = move["new_due_at"]?.stringValue ?? ""
                        lines.append("  #\(complaint) \(kind): \(old) → \(new)")
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
                global.emit(result) { json in
                    let provisionalMark = zh ? "（暂定）" : " (provisional)"
                    var table = TextTable(
                        headers: zh ? ["日期", "星期", "上班", "工作分钟", "说明"] : ["Date", "Day", "Working", "Minutes", "Note"]
                    )
                    for day in json["days"]?.arrayValue ?? [] {
                        let weekday = day["weekday"]?.stringValue.flatMap(Weekday.init(rawValue:))
                        var note: String
                        switch day["override"]?.stringValue {
                        case "holiday"?: note = (zh ? "节假日 " : "holiday ") + (day["name"]?.stringValue ?? "")
                        case "workday"?:
                            note = (zh ? "调休上班 " : "make-up working day ") + (day["name"]?.stringValue ?? "")
                        default: note = ""
                        }
                        if day["provisional"]?.boolValue == true { note += provisionalMark }
                        table.append([
                            day["date"]?.stringValue ?? "", weekday?.abbreviation(in: global.language) ?? "",
                            day["working"]?.boolValue == true ? (zh ? "是" : "yes") : (zh ? "否" : "no"),
                            String(day["business_minutes"]?.intValue ?? 0), note,
                        ])
                    }
                    var output = table.render()
                    if json["official"]?.boolValue == false {
                        let through = json["calendar_official_through"]?.stringValue
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
