import ArgumentParser
import Foundation
import HotlineCore
import HotlineProtocol

extension HotlineCtl {
    struct Inbox: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inbox",
            abstract: "My notices: cases sent to me or my department, escalations to my role, deadlines (SPEC §10).",
            discussion: """
                Lists the notices addressed to you, to your department or to a role you hold, unread first; --all \
                shows the ones you have read too. `hotlinectl inbox read ID…` (or --all) records that you read them: \
                read receipts are your own, a colleague's inbox is not affected. `hotlinectl watch --mine` follows \
                new ones as they come. --json: an array of id, at, topic, complaint, to ({"staff": L}, \
                {"department": D} or {"role": R}), text (in your language), read_at (null while unread).

                Examples:
                  hotlinectl inbox
                  hotlinectl inbox read 17 18
                  hotlinectl inbox --all --json
                """,
            subcommands: [List.self, Read.self],
            defaultSubcommand: List.self
        )

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "List my notices, unread first (the default of `inbox`)."
            )
            @Flag(help: "Also the notices I have read.") var all = false
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let result = try global.send(.inbox(all: all))
                let zh = global.language == .zh
                try global.emit(result, as: [InboxNoticeView].self) { notices in
                    guard !notices.isEmpty else { return zh ? "没有未读通知" : "no unread notices" }
                    var table = TextTable(
                        headers: zh
                            ? ["编号", "时间", "投诉", "发给", "内容", "已读"] : ["ID", "At", "Complaint", "To", "Notice", "Read"]
                    )
                    for notice in notices {
                        table.append([
                            notice.id, notice.at, notice.complaint ?? "-", NoticeText.address(notice.to, zh: zh),
                            notice.text, notice.readAt ?? (zh ? "未读" : "unread"),
                        ])
                    }
                    return table.render()
                }
            }
        }

        struct Read: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record that I read these notices (or all of mine with --all).",
                discussion: "Example: hotlinectl inbox read 17 18"
            )
            @Argument(help: "Notice ids, as `inbox` shows them.") var ids: [Int64] = []
            @Flag(help: "Every notice in my inbox.") var all = false
            @OptionGroup var global: GlobalOptions

            func validate() throws {
                guard all != !ids.isEmpty else {
                    throw global.usageError(
                        zh: "请给出通知编号或 --all（二者择一）",
                        en: "give notice ids or --all, one of the two"
                    )
                }
                if ids.contains(where: { $0 <= 0 }) {
                    throw global.usageError(zh: "通知编号须为正整数", en: "notice ids are positive numbers")
                }
            }

            func run() throws {
                let result = try global.send(.inboxRead(ids: ids, all: all))
                try global.emit(result, as: InboxReadReport.self) { report in
                    global.language == .zh ? "已标记 \(report.read) 条为已读" : "marked \(report.read) read"
                }
            }
        }
    }

    struct Duty: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "duty",
            abstract: "The duty roster of leaders (值班表): who takes urgent cases (R12).",
            subcommands: [Set.self, Show.self]
        )

        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set",
                abstract: "Put a leader on duty from one time to another (admin or supervisor).",
                discussion: """
                    The leader must hold the supervisor or vp role. Shifts may overlap: an urgent complaint filed \
                    while several leaders are on duty tells all of them; filed while nobody is, every vp.

                    Example: hotlinectl duty set zhaoliu --from 2026-12-01T08:00:00+08:00 --to 2026-12-01T20:00:00+08:00
                    """
            )
            @Argument(help: "The leader's login.") var login: String
            @Option(help: "Start, RFC 3339 with an offset.") var from: String
            @Option(help: "End, RFC 3339 with an offset.") var to: String
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let start = try global.checked { try ControlArgument.time(from, option: "from", language: $0) }
                let end = try global.checked { try ControlArgument.time(to, option: "to", language: $0) }
                guard end > start else {
                    throw global.usageError(zh: "--to 须晚于 --from", en: "--to must be later than --from")
                }
                let result = try global.send(.dutySet(login: login, from: start, to: end))
                try global.emit(result, as: DutyShiftView.self) { shift in
                    global.language == .zh
                        ? "值班：\(shift.name)（\(shift.login)），\(shift.from) 至 \(shift.to)"
                        : "on duty: \(shift.name) (\(shift.login)), \(shift.from) to \(shift.to)"
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show the shifts in force at a moment (--at), or every shift that has not ended.",
                discussion: "Example: hotlinectl duty show --at 2026-12-01T12:00:00+08:00"
            )
            @Option(help: "A moment, RFC 3339 with an offset.") var at: String?
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let moment = try at.map { text in
                    try global.checked { try ControlArgument.time(text, option: "at", language: $0) }
                }
                let result = try global.send(.dutyShow(at: moment))
                let zh = global.language == .zh
                try global.emit(result, as: [DutyShiftView].self) { shifts in
                    guard !shifts.isEmpty else { return zh ? "无人值班" : "nobody on duty" }
                    var table = TextTable(headers: zh ? ["领导", "姓名", "自", "至"] : ["Leader", "Name", "From", "To"])
                    for shift in shifts { table.append([shift.login, shift.name, shift.from, shift.to]) }
                    return table.render()
                }
            }
        }
    }

    struct Notices: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "notices",
            abstract: "Deliveries beyond the terminal that hotline-notifier gave up on, and trying them again.",
            subcommands: [Failed.self, Retry.self]
        )

        struct Failed: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the deliveries given up after [notifier] give_up_after (admin or supervisor).",
                discussion: "Example: hotlinectl notices failed --json"
            )
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let result = try global.send(.noticesFailed)
                let zh = global.language == .zh
                try global.emit(result, as: [FailedDeliveryView].self) { failed in
                    guard !failed.isEmpty else { return zh ? "没有放弃的投递" : "no delivery was given up" }
                    var table = TextTable(
                        headers: zh
                            ? ["通知", "路由", "次数", "放弃时间", "最后错误"]
                            : ["Notice", "Route", "Attempts", "Given up", "Last error"]
                    )
                    for delivery in failed {
                        table.append([
                            delivery.notice, delivery.route, String(delivery.attempts), delivery.failedAt,
                            delivery.lastError ?? "-",
                        ])
                    }
                    return table.render()
                }
            }
        }

        struct Retry: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Queue a notice's given-up deliveries again, due now (admin or supervisor).",
                discussion: "Example: hotlinectl notices retry 17"
            )
            @Argument(help: "The notice id.") var id: Int64
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let result = try global.send(.noticesRetry(id: id))
                try global.emit(result, as: NoticeRetryReport.self) { report in
                    global.language == .zh
                        ? "通知 \(report.notice)：\(report.deliveries) 个投递重新排队"
                        : "notice \(report.notice): \(report.deliveries) deliveries queued again"
                }
            }
        }
    }
}

/// Notice addresses for people.
enum NoticeText {
    static func address(_ address: NoticeAddress, zh: Bool) -> String {
        switch address {
        case .staff(let login): return login
        case .department(let code): return zh ? "部门 \(code)" : "dept \(code)"
        case .role(let role): return zh ? "角色 \(role)" : "role \(role)"
        }
    }
}
