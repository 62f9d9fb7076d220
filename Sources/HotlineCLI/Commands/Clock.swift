import ArgumentParser
import Foundation
import HotlineCore
import HotlineProtocol

extension HotlineCtl {
    struct Clock: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clock",
            abstract: "Move the daemon's manual clock (only with `hotlined --clock manual`; for tests and drills).",
            subcommands: [Advance.self, Set.self]
        )

        struct Advance: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Move the manual clock forward.",
                discussion:
                    "DURATION: 90s, 30m, 2h, 1d or combinations such as 1h30m. Example: hotlinectl clock advance 61m"
            )

            @Argument(help: "How far to move, e.g. 61m.")
            var duration: String

            @OptionGroup var global: GlobalOptions

            func validate() throws {
                guard ClockDuration.seconds(duration) != nil else {
                    throw global.usageError(
                        zh: "DURATION 格式应为 90s、30m、2h、1d 或 1h30m，不能是“\(duration)”",
                        en: "DURATION must look like 90s, 30m, 2h, 1d or 1h30m, not '\(duration)'"
                    )
                }
            }

            func run() throws {
                let seconds = ClockDuration.seconds(duration) ?? 0
                let result = try global.send(.clockAdvance(seconds: seconds))
                try global.emit(result, as: StatusReport.self) { $0.now }
            }
        }

        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Set the manual clock to a later time.",
                discussion: "Example: hotlinectl clock set 2026-12-01T09:00:00+08:00"
            )

            @Argument(help: "RFC 3339 time with offset.")
            var time: String

            @OptionGroup var global: GlobalOptions

            func validate() throws { _ = try instant() }

            private func instant() throws -> Date {
                guard let instant = TimeFormatting.parseRFC3339(time) else {
                    throw global.usageError(
                        zh: "TIME 须为带时区偏移的 RFC 3339 时间，如 2026-12-01T09:00:00+08:00",
                        en: "TIME must be RFC 3339 with an offset, e.g. 2026-12-01T09:00:00+08:00"
                    )
                }
                return instant
            }

            func run() throws {
                let result = try global.send(.clockSet(try instant()))
                try global.emit(result, as: StatusReport.self) { $0.now }
            }
        }
    }
}

/// Wall-clock durations for `clock advance`: `90s`, `30m`, `2h`, `1d`, `1h30m`.
enum ClockDuration {
    static func seconds(_ text: String) -> Int? {
        var total = 0
        var number = ""
        var sawUnit = false
        for character in text.lowercased() where character != " " {
            if character.isNumber {
                number.append(character)
                continue
            }
            guard let value = Int(number) else { return nil }
            switch character {
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            case "d": total += value * 86_400
            default: return nil
            }
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit else { return nil }
        return total
    }
}
