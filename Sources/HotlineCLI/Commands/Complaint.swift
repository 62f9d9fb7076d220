import ArgumentParser
import Foundation
import HotlineCore
import HotlineProtocol

extension HotlineCtl {
    struct Complaint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "complaint",
            abstract: "Phone complaints: file, act on, show and list (首问责任制, R1–R16).",
            discussion: """
                A complaint is filed by the first responder (or a supervisor), resolved on the spot (R3) or \
                transferred within 1 hour (R4); the receiving department accepts (R5) and replies within 1 working \
                day (R6), or returns a case that is not theirs (R7). Every step is a signed hop (R9). Each verb \
                prints the complaint afterwards; --json prints it in the shape of `complaint show --json`.
                """,
            subcommands: [
                File.self, Show.self, List.self, Resolve.self, Transfer.self, Accept.self, Return.self,
                Reroute.self, Reply.self, Urge.self, Escalate.self, Handover.self, Extend.self, Feedback.self,
                Merge.self,
            ]
        )

        struct File: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "File a phone complaint (R1).",
                discussion: """
                    With --call, the caller's name and number come from the call register unless given, the 1-hour \
                    transfer clock starts at the call's answer time, and the filer must be the call's first responder \
                    (or a supervisor, R2). --urgent escalates to the on-duty leader at once and shortens every timer \
                    (R12).

                    Example: hotlinectl complaint file --call 1701 --matter "热水器安装后漏水，三天无人处理"
                    """
            )
            @Option(help: "PBX call id the complaint came in on.") var call: String?
            @Option(help: "Caller's name (default: from the call register).") var name: String?
            @Option(help: "Caller's contact number (default: from the call register).") var phone: String?
            @Option(help: "Caller's address.") var address: String?
            @Option(help: "What the caller complains about (required).") var matter: String
            @Option(help: "A category for statistics.") var category: String?
            @Flag(help: "An urgent, major matter (紧急重大事项, R12).") var urgent = false
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let number = try phone.map { text in
                    try global.checked { try ControlArgument.phone(text, language: $0) }
                }
                let result = try global.send(
                    .complaintFile(
                        ComplaintFiling(
                            callID: call,
                            callerName: name,
                            callerPhone: number,
                            callerAddress: address,
                            matter: matter,
                            category: category,
                            urgent: urgent
                        )
                    )
                )
                try global.emit(result, as: ComplaintView.self) { complaint in
                    // A repeat caller (重复来电): said on stderr, so that stdout stays the complaint.
                    if !complaint.related.isEmpty {
                        let ids = complaint.related.joined(separator: ", ")
                        let phone = complaint.callerPhone ?? ""
                        let line =
                            global.language == .zh
                            ? "注意：号码 \(phone) 还有未办结的投诉 \(ids)；可用 complaint merge 并单（caller show \(phone) 查看）\n"
                            : "note: \(phone) has open complaint(s) \(ids); merge a duplicate with complaint merge "
                                + "(caller show \(phone))\n"
                        FileHandle.standardError.write(Data(line.utf8))
                    }
                    return ComplaintText.render(complaint, global.language)
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show a complaint: caller, state, every deadline with how it was computed, and its hops.",
                discussion: "Example: hotlinectl complaint show 42"
            )
            @Argument(help: "Complaint id.") var id: String
            @OptionGroup var global: GlobalOptions
            func run() throws { try global.complaint(.complaintShow(id: id)) }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List complaints, newest first.",
                discussion: "Example: hotlinectl complaint list --dept SVC --state transferred --overdue"
            )
            @Flag(help: "Only complaints you are responsible for or handle.") var mine = false
            @Option(help: "Only complaints of this department (first responder's or receiving).") var dept: String?
            @Option(
                help:
                    "Only complaints in this state (open, resolved, transferred, accepted, returned, replied, closed)."
            )
            var state: String?
            @Flag(help: "Only complaints with a deadline breached or past due.") var overdue = false
            @Option(help: "At most this many (default 100).") var limit: Int = 100
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let parsedState = try state.map { text in
                    try global.checked { try ControlArgument.state(text, language: $0) }
                }
                let result = try global.send(
                    .complaintList(
                        ComplaintListQuery(
                            mine: mine,
                            department: dept,
                            state: parsedState,
                            overdue: overdue,
                            limit: limit
                        )
                    )
                )
                let language = global.language
                try global.emit(result, as: [ComplaintView].self) { complaints in
                    var table = TextTable(
                        headers: language == .zh
                            ? ["编号", "状态", "来电人", "首问责任人", "部门", "受理时间", "升级"]
                            : ["ID", "State", "Caller", "First responder", "Department", "Received", "Escalation"]
                    )
                    for complaint in complaints {
                        table.append([
                            complaint.id, ComplaintText.state(complaint.state, language), complaint.callerName ?? "-",
                            complaint.firstResponder, complaint.department, complaint.receivedAt,
                            complaint.escalationLevel,
                        ])
                    }
                    return table.render()
                }
            }
        }

        struct Resolve: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Answer and close on the spot, within your own department (R3).",
                discussion: """
                    --told records the knowledge-base matters told to the caller in one go (一次性告知, SPEC §12): \
                    their codes and current versions go into the signed hop, so `audit verify` covers them. An \
                    unknown code is refused (exit 4) and nothing is recorded.

                    Example: hotlinectl complaint resolve 42 --answer "已告知落户所需材料" --told HUKOU-01 HUKOU-02
                    """
            )
            @Argument(help: "Complaint id.") var id: String
            @Option(help: "The answer given to the caller (required, R3).") var answer: String
            @Option(parsing: .upToNextOption, help: "Codes of the matters told to the caller.") var told: [String] = []
            @OptionGroup var global: GlobalOptions
            func validate() throws { _ = try codes() }
            private func codes() throws -> [String] {
                try global.checked { try ControlArgument.matterCodes(told, language: $0) }
            }
            func run() throws {
                try global.complaint(.complaint(id: id, .resolve(answer: answer, told: try codes())))
            }
        }

        struct Transfer: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Transfer to the responsible department within 1 hour, copied to QA (R4).",
                discussion: "Example: hotlinectl complaint transfer 42 --to INST --reason \"安装质量问题，属安装部\""
            )
            @Argument(help: "Complaint id.") var id: String
            @Option(help: "Suggested department code.") var to: String
            @Option(help: "Why the department should handle it (required).") var reason: String
            @OptionGroup var global: GlobalOptions
            func run() throws {
                try global.complaint(.complaint(id: id, .transfer(to: to, reason: reason)))
            }
        }

        struct Accept: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Accept a transferred case and name its handler at once (R5).",
                discussion: "Example: hotlinectl complaint accept 42 --handler wangwu"
            )
            @Argument(help: "Complaint id.") var id: String
            @Option(help: "Handler's login (default: you).") var handler: String?
            @OptionGroup var global: GlobalOptions
            func run() throws {
                try global.complaint(.complaint(id: id, .accept(handler: handler)))
            }
        }

        struct Return: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Return a case that is not your department's to the coordination office (R7).",
                discussion: """
                    A receiving department may not transfer a case on to a third one; it returns it, the coordination \
                    office re-routes it, and the return counts as a misroute against the first responder's department.

                    Example: hotlinectl complaint return 42 --reason "属物业管理范围"
                    """
            )
            @Argument(help: "Complaint id.") var id: String
            @Option(help: "Why it is not yours (required).") var reason: String
            @OptionGroup var global: GlobalOptions
            func run() throws {
                try global.complaint(.complaint(id: id, .returnToCoordination(reason: reason)))
            }
        }

        struct Reroute: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Send a returned case to the right department (coordination office only, R7).",
                discussion: "Example: hotlinectl complaint reroute 42 --to PROP --reason \"物业报修\""
            )
            @Argument(help: "Complaint id.") var id: String
            @Option(help: "Department code.") var to: String
            @Option(help: "Why (required).") var reason: String
            @OptionGroup var global: GlobalOptions
            func run() throws {
                try global.complaint(.complaint(id: id, .reroute(to: to, reason: reason)))
            }
        }

        struct Reply: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record the reply given to the caller, within 1 working day (R6).",
                discussion: "Example: hotlinectl complaint reply 42 --result \"已更换阀门并回访\""
            )
            @Argument(help: "Complaint id.") var id: String
            @Option(help: "What was done and told to the caller (required).") var result: String
            @OptionGroup var global: GlobalOptions
            func run() throws {
                try global.complaint(.complaint(id: id, .reply(result: result)))
            }
        }

        struct Urge: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Urge the handling department (催办, R10).",
                discussion: "Example: hotlinectl complaint urge 42 --note \"客户再次来电催问\""
            )
            @Argument(help: "Complaint id.") var id: String
            @Option(help: "A note.") var note: String?
            @OptionGroup var global: GlobalOptions
            func run() throws {
                try global.complaint(.complaint(id: id, .urge(note: note)))
            }
        }

        struct Escalate: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Escalate to QA, the deputy general manager or the general manager (矛盾升级, R8).",
                discussion: "Example: hotlinectl complaint escalate 42 --to qa --reason \"多次投诉未解决\""
            )
            @Argument(help: "Complaint id.") var id: String
            @Option(help: "qa, vp or gm.") var to: String
            @Option(help: "Why (required).") var reason: String
            @OptionGroup var global: GlobalOptions
            func validate() throws { _ = try level() }
            private func level() throws -> EscalationLevel {
                try global.checked { try ControlArgument.escalationLevel(to, language: $0) }
            }
            func run() throws {
                try global.complaint(.complaint(id: id, .escalate(to: try level(), reason: reason)))
            }
        }

        struct Handover: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Hand the case to another person, with a leader's approval (R11).",
                discussion: "Example: hotlinectl complaint handover 42 --to lisi --approved-by zhaoliu"
            )
            @Argument(help: "Complaint id.") var id: String
            @Option(help: "The new responsible person's login.") var to: String
            @Option(name: .customLong("approved-by"), help: "The approving supervisor's login.") var approvedBy: String
            @OptionGroup var global: GlobalOptions
            func run() throws {
                try global.complaint(.complaint(id: id, .handover(to: to, approvedBy: approvedBy)))
            }
        }

        struct Extend: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Extend the reply deadline, with a leader's approval (延期, R15).",
                discussion:
                    "Example: hotlinectl complaint extend 42 --by \"2 working days\" --reason \"等待配件\" --approved-by zhaoliu"
            )
            @Argument(help: "Complaint id.") var id: String
            @Option(help: "How much more time: \"4h\", \"2 working days\", \"30 business minutes\".") var by: String
            @Option(help: "Why (required).") var reason: String
            @Option(name: .customLong("approved-by"), help: "The approving supervisor's login.") var approvedBy: String
            @OptionGroup var global: GlobalOptions
            func validate() throws { _ = try allowance() }
            private func allowance() throws -> Allowance {
                try global.checked { try ControlArgument.allowance(by, language: $0) }
            }
            func run() throws {
                try global.complaint(
                    .complaint(id: id, .extend(by: try allowance(), reason: reason, approvedBy: approvedBy))
                )
            }
        }

        struct Feedback: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record the caller's satisfaction once, 1–5 (R13); a low score sends the case back (R16).",
                discussion: "Example: hotlinectl complaint feedback 42 --satisfaction 5 --comment \"处理及时\""
            )
            @Argument(help: "Complaint id.") var id: String
            @Option(help: "1 (very unsatisfied) to 5 (very satisfied).") var satisfaction: Int
            @Option(help: "The caller's comment.") var comment: String?
            @OptionGroup var global: GlobalOptions
            func validate() throws {
                guard (1...5).contains(satisfaction) else {
                    throw global.usageError(zh: "--satisfaction 须为 1 到 5", en: "--satisfaction must be 1 to 5")
                }
            }
            func run() throws {
                try global.complaint(.complaint(id: id, .feedback(satisfaction: satisfaction, comment: comment)))
            }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a duplicate complaint into the case that carries on (并单).",
            discussion: """
                By the duplicate's responsible person or a supervisor. Both cases get a signed hop; the duplicate is \
                closed and its pending deadlines end (QA does not count them as breaches). Not into itself, not \
                from or into a closed case, not in a cycle.

                Example: hotlinectl complaint merge 43 --into 42 --reason "同一来电人重复反映热水器漏水"
                """
        )
        @Argument(help: "The duplicate's complaint id.") var id: String
        @Option(help: "The complaint that carries on.") var into: String
        @Option(help: "Why they are the same matter (required).") var reason: String
        @OptionGroup var global: GlobalOptions
        func run() throws {
            try global.complaint(.complaintMerge(id: id, into: into, reason: reason))
        }
    }

    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "Check the signed, hash-chained trail of complaints (R9) and the seal of a period.",
            subcommands: [Verify.self, Seal.self]
        )
    }
}

extension GlobalOptions {
    /// Sends a complaint command and prints the complaint that results.
    func complaint(_ command: ControlCommand) throws {
        let result = try send(command)
        try emit(result, as: ComplaintView.self) { ComplaintText.render($0, language) }
    }
}

/// Human form of a complaint, in Chinese or English.
enum ComplaintText {
    static func state(_ state: String?, _ language: Language) -> String {
        guard let state else { return "" }
        guard language == .zh else { return state }
        return [
            "open": "待处理", "resolved": "已当场答复", "transferred": "已转交", "accepted": "已受理", "returned": "已退回",
            "replied": "已答复", "closed": "已办结",
        ][state] ?? state
    }

    static func word(_ code: String?, _ language: Language) -> String {
        guard let code else { return "" }
        guard language == .zh else { return code.replacingOccurrences(of: "_", with: " ") }
        return [
            "filed": "登记", "resolved": "当场答复", "transferred": "转交", "copied_to_qa": "抄送质检部", "accepted": "受理",
            "returned": "退回", "rerouted": "改派", "replied": "答复", "urged": "催办", "escalated": "升级",
            "handed_over": "移交", "extended": "延期", "feedback": "回访评价", "redo": "重办", "closed": "办结",
            "transfer": "转交时限", "accept": "受理时限", "reply": "答复时限", "pending": "未到期", "met": "按时完成",
            "breached": "已超时", "none": "无", "qa": "质检部", "vp": "副总经理", "gm": "总经理",
            "quiet_period": "静默期满未回访，自动办结",
            "merged": "并单（并入）", "merged_in": "并入重复投诉",
        ][code] ?? code
    }

    static func render(_ complaint: ComplaintView, _ language: Language) -> String {
        let zh = language == .zh
        func yesNo(_ flag: Bool) -> String { flag ? (zh ? "是" : "yes") : (zh ? "否" : "no") }
        var summary = TextTable(headers: ["", ""])
        let fields: [(String, String)] = [
            (zh ? "编号" : "Complaint", complaint.id), (zh ? "状态" : "State", state(complaint.state, language)),
            (zh ? "紧急" : "Urgent", yesNo(complaint.urgent)), (zh ? "来电人" : "Caller", complaint.callerName ?? "-"),
            (zh ? "联系电话" : "Phone", complaint.callerPhone ?? "-"), (zh ? "反映事项" : "Matter", complaint.matter),
            (zh ? "首问责任人" : "First responder", complaint.firstResponder),
            (zh ? "当前责任人" : "Responsible", complaint.responsible),
            (zh ? "当前部门" : "Department", complaint.department), (zh ? "承办人" : "Handler", complaint.handler ?? "-"),
            (zh ? "受理时间" : "Received", complaint.receivedAt),
            (zh ? "升级" : "Escalation", word(complaint.escalationLevel, language)),
            (zh ? "满意度" : "Satisfaction", complaint.satisfaction.map(String.init) ?? "-"),
        ]
        for (label, value) in fields { summary.append([label, value]) }
        var output = summary.render().split(separator: "\n").dropFirst().joined(separator: "\n")
        if !complaint.deadlines.isEmpty {
            var table = TextTable(
                headers: zh
                    ? ["时限", "部门", "到期", "状态", "剩余(分)"] : ["Deadline", "Department", "Due", "State", "Left (min)"]
            )
            for deadline in complaint.deadlines {
                table.append([
                    word(deadline.kind, language), deadline.department, deadline.dueAt, word(deadline.state, language),
                    deadline.secondsLeft.map { String($0 / 60) } ?? "-",
                ])
            }
            output += "\n\n" + table.render()
            for deadline in complaint.deadlines {
                output += "\n  \(word(deadline.kind, language)): \(deadline.explanation)"
                // Due times a calendar import moved (SPEC §4), each with the old time and the reason.
                for move in deadline.moves {
                    output +=
                        zh
                        ? "\n    到期时间已由 \(move.oldDueAt) 调整为 \(move.newDueAt)(\(move.reason))"
                        : "\n    Due time moved from \(move.oldDueAt) to \(move.newDueAt) (\(move.reason))"
                }
            }
        }
        var hops = TextTable(
            headers: zh ? ["#", "时间", "动作", "签名人", "部门", "说明"] : ["#", "At", "Action", "By", "Department", "Text"]
        )
        for hop in complaint.hops {
            var text = hop.text
            // A close without text says why it closed (after feedback, or after the quiet period).
            if text.isEmpty, hop.action == "closed" { text = word(hop.subject, language) }
            hops.append([
                String(hop.seq), hop.at, word(hop.action, language), hop.by + (hop.actingRoot ? " (root)" : ""),
                hop.department ?? "", text,
            ])
        }
        output += "\n\n" + hops.render()
        // What was told in one go (一次性告知, SPEC §12), with the version told.
        let told = complaint.hops.flatMap(\.told)
        if !told.isEmpty {
            output += zh ? "\n\n已一次性告知事项：" : "\n\nMatters told (one-time notification):"
            for matter in told {
                output +=
                    zh
                    ? "\n  \(matter.code) 第 \(matter.version) 版 \(matter.title)"
                    : "\n  \(matter.code) version \(matter.version) \(matter.title)"
            }
        }
        return output
    }
}
