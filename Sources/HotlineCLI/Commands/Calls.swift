import ArgumentParser
import Foundation
import HotlineCore
import HotlineProtocol

extension HotlineCtl {
    struct Calls: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calls",
            abstract: "List the call register (R1), newest first.",
            discussion: """
                --missed lists calls nobody answered (missed or abandoned): the call-back list.

                Examples:
                  hotlinectl calls --active
                  hotlinectl calls --missed --since 2026-11-30T00:00:00+08:00 --json
                """
        )

        @Flag(help: "Only calls still in progress.")
        var active = false

        @Flag(help: "Only calls nobody answered (missed or abandoned).")
        var missed = false

        @Option(help: "Only calls offered at or after this RFC 3339 time.")
        var since: String?

        @Option(help: "At most this many calls (default 100).")
        var limit: Int = 100

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if active && missed {
                throw global.usageError(
                    zh: "--active 与 --missed 不能同时使用",
                    en: "--active and --missed exclude each other"
                )
            }
            if let since, TimeFormatting.parseRFC3339(since) == nil {
                throw global.usageError(
                    zh: "--since 须为带时区偏移的 RFC 3339 时间，如 2026-11-30T00:00:00+08:00",
                    en: "--since must be RFC 3339 with an offset, e.g. 2026-11-30T00:00:00+08:00"
                )
            }
            if limit < 1 { throw global.usageError(zh: "--limit 至少为 1", en: "--limit must be at least 1") }
        }

        func run() throws {
            let query = CallListQuery(
                filter: active ? .active : missed ? .missed : .all,
                since: since.flatMap(TimeFormatting.parseRFC3339),
                limit: limit
            )
            let result = try global.send(.calls(query))
            let language = global.language
            try global.emit(result, as: [CallView].self) { calls in
                var table = TextTable(headers: CallLabels.headers(language))
                for call in calls { table.append(CallLabels.row(call, language)) }
                return table.render()
            }
        }
    }

    struct Call: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "call",
            abstract: "One call of the register.",
            subcommands: [Show.self]
        )

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show a call with its PBX events.",
                discussion: "Example: hotlinectl call show 1701"
            )

            @Argument(help: "The PBX call id.")
            var call: String

            @OptionGroup var global: GlobalOptions

            func run() throws {
                let result = try global.send(.callShow(call: call))
                let language = global.language
                try global.emit(result, as: CallDetailsView.self) { details in
                    var table = TextTable(headers: CallLabels.headers(language))
                    table.append(CallLabels.row(details.call, language))
                    var events = TextTable(headers: ["", "", ""])
                    for event in details.events { events.append([event.at, event.type, event.id]) }
                    let eventLines = events.render().split(separator: "\n").dropFirst().joined(separator: "\n")
                    return table.render() + "\n\n" + eventLines
                }
            }
        }
    }
}

/// Columns of call tables.
enum CallLabels {
    static func headers(_ language: Language) -> [String] {
        language == .zh
            ? ["呼叫", "来电号码", "来电人", "拨打号码", "来电时间", "结果", "首问责任人"]
            : ["Call", "From", "Name", "To", "Offered", "Outcome", "First responder"]
    }

    static func row(_ call: CallView, _ language: Language) -> [String] {
        let outcome = call.outcome
        let outcomeText: String
        if language == .zh {
            outcomeText =
                ["answered": "已接听", "abandoned": "放弃", "missed": "未接", "in_progress": "进行中"][outcome] ?? outcome
        } else {
            outcomeText = outcome.replacingOccurrences(of: "_", with: " ")
        }
        return [
            call.call, call.from ?? "-", call.fromName ?? "-", call.to ?? "-", call.offeredAt ?? "-", outcomeText,
            call.firstResponder ?? "-",
        ]
    }
}
