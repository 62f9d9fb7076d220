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
                let result = try global.send("calendar.import", [("file", .string(file)), ("content", .string(text))])
                global.emit(result) { json in
                    let holidays = json["holidays"]?.intValue ?? 0
                    let workdays = json["workdays"]?.intValue ?? 0
                    return global.language == .zh
                        ? "已导入 \(file)：节假日 \(holidays) 天，调休上班 \(workdays) 天"
                        : "imported \(file): \(holidays) holidays, \(workdays) make-up working days"
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show a month: working days, holidays, make-up days and business minutes.",
                discussion: "Example: hotlinectl calendar show --month 2026-10"
            )
            @Option(help: "The month, e.g. 2026-10 (default: this month).") var month: String?
            @OptionGroup var global: GlobalOptions

            func validate() throws {
                if let month, YearMonth(string: month) == nil {
                    throw global.usageError(zh: "--month 格式应为 2026-10", en: "--month must look like 2026-10")
                }
            }

            func run() throws {
                let result = try global.send("calendar.show", [("month", .optional(month))])
                let zh = global.language == .zh
                global.emit(result) { json in
                    var table = TextTable(
                        headers: zh ? ["日期", "星期", "上班", "工作分钟", "说明"] : ["Date", "Day", "Working", "Minutes", "Note"]
                    )
                    for day in json["days"]?.arrayValue ?? [] {
                        let weekday = day["weekday"]?.stringValue.flatMap(Weekday.init(rawValue:))
                        let note: String
                        switch day["override"]?.stringValue {
                        case "holiday"?: note = (zh ? "节假日 " : "holiday ") + (day["name"]?.stringValue ?? "")
                        case "workday"?:
                            note = (zh ? "调休上班 " : "make-up working day ") + (day["name"]?.stringValue ?? "")
                        default: note = ""
                        }
                        table.append([
                            day["date"]?.stringValue ?? "", weekday?.abbreviation(in: global.language) ?? "",
                            day["working"]?.boolValue == true ? (zh ? "是" : "yes") : (zh ? "否" : "no"),
                            String(day["business_minutes"]?.intValue ?? 0), note,
                        ])
                    }
                    return table.render()
                }
            }
        }
    }
}
