import ArgumentParser
import Foundation
import HotlineCore
import HotlineProtocol

extension HotlineCtl {
    struct CallerCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "caller",
            abstract: "A caller's history: their calls and complaints (重复来电).",
            subcommands: [Show.self]
        )

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show a number's complaints (open ones first, with state and department) and calls.",
                discussion: """
                    The number is written as you like (138-1234-5678, (010) 1234 5678) and compared in the call \
                    register's form.

                    Example: hotlinectl caller show 138-1234-5678
                    """
            )
            @Argument(help: "The caller's number.") var phone: String
            @OptionGroup var global: GlobalOptions

            func validate() throws { _ = try number() }

            private func number() throws -> PhoneNumber {
                try global.checked { try ControlArgument.phone(phone, language: $0) }
            }

            func run() throws {
                let result = try global.send(.callerShow(phone: try number()))
                try global.emit(result, as: CallerHistoryView.self) { CallerText.render($0, global.language) }
            }
        }
    }
}

/// Human form of a caller's history.
enum CallerText {
    static func render(_ history: CallerHistoryView, _ language: Language) -> String {
        let zh = language == .zh
        var lines = [
            zh
                ? "来电号码 \(history.phone)\(history.name.map { "（\($0)）" } ?? "")：投诉 \(history.complaints.count) 件，"
                    + "其中未办结 \(history.openComplaints) 件；来电 \(history.calls.count) 次"
                : "Caller \(history.phone)\(history.name.map { " (\($0))" } ?? ""): \(history.complaints.count) "
                    + "complaint(s), \(history.openComplaints) open; \(history.calls.count) call(s)"
        ]
        if !history.complaints.isEmpty {
            var table = TextTable(
                headers: zh
                    ? ["编号", "状态", "部门", "受理时间", "反映事项"] : ["ID", "State", "Department", "Received", "Matter"]
            )
            for complaint in history.complaints {
                table.append([
                    complaint.id, ComplaintText.state(complaint.state, language), complaint.department,
                    complaint.receivedAt, complaint.matter,
                ])
            }
            lines.append("")
            lines.append(table.render())
        }
        if !history.calls.isEmpty {
            var table = TextTable(
                headers: zh
                    ? ["呼叫", "来电时间", "结果", "首问责任人"] : ["Call", "Offered", "Outcome", "First responder"]
            )
            for call in history.calls {
                table.append([call.call, call.offeredAt ?? "-", call.outcome, call.firstResponder ?? "-"])
            }
            lines.append("")
            lines.append(table.render())
        }
        return lines.joined(separator: "\n")
    }
}
