import ArgumentParser
import Foundation
import HotlineCore
import HotlineProtocol

extension HotlineCtl {
    struct CallbackCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "callback",
            abstract: "Ring back the callers nobody answered (漏接回拨).",
            discussion: """
                Every missed or abandoned call is a call-back task. Record each attempt with `callback done`; a \
                task stays open after no_answer (try again) and is done after reached or wrong_number.
                """,
            subcommands: [List.self, Done.self]
        )

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Call-back tasks: open ones first, newest first, with every attempt.",
                discussion: "Example: hotlinectl callback list --open"
            )
            @Flag(help: "Only tasks still open.") var open = false
            @Option(help: "At most this many (1–100, default 100).") var limit: Int = 100
            @OptionGroup var global: GlobalOptions

            func validate() throws {
                _ = try global.checked { try ControlArgument.limit(limit, language: $0) }
            }

            func run() throws {
                let result = try global.send(.callbackList(openOnly: open, limit: limit))
                try global.emit(result, as: [CallbackTaskView].self) { CallbackText.table($0, global.language) }
            }
        }

        struct Done: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record an attempt to ring a caller back: reached, no_answer or wrong_number.",
                discussion: "Example: hotlinectl callback done 9002 --outcome no_answer --note \"关机\""
            )
            @Argument(help: "The call id of the missed or abandoned call.") var call: String
            @Option(help: "reached, no_answer or wrong_number.") var outcome: String
            @Option(help: "A note (at most 500 characters).") var note: String?
            @OptionGroup var global: GlobalOptions

            func validate() throws { _ = try checked() }

            private func checked() throws -> (CallbackOutcome, String?) {
                try global.checked { language in
                    (
                        try ControlArgument.callbackOutcome(outcome, language: language),
                        try ControlArgument.callbackNote(note, language: language)
                    )
                }
            }

            func run() throws {
                let (outcome, note) = try checked()
                let result = try global.send(.callbackDone(call: call, outcome: outcome, note: note))
                try global.emit(result, as: CallbackTaskView.self) { CallbackText.table([$0], global.language) }
            }
        }
    }
}

/// Human form of call-back tasks.
enum CallbackText {
    static func table(_ tasks: [CallbackTaskView], _ language: Language) -> String {
        let zh = language == .zh
        var table = TextTable(
            headers: zh
                ? ["呼叫", "来电号码", "来电时间", "状态", "回拨记录"] : ["Call", "From", "Offered", "State", "Attempts"]
        )
        for task in tasks {
            let attempts = task.attempts.map { "\($0.outcome) \($0.by) \($0.at)" }.joined(separator: "; ")
            let state = zh ? (task.state == "open" ? "待回拨" : "已完成") : task.state
            table.append([task.call.call, task.call.from ?? "-", task.call.offeredAt ?? "-", state, attempts])
        }
        return table.render()
    }
}
