import ArgumentParser
import Foundation
import HotlineCore

/// `hotlinectl`: the operators', handlers', supervisors' and QA's command line (SPEC §6).
public struct HotlineCtl: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "hotlinectl",
        abstract: "Talk to hotlined: calls, complaints, deadlines, directory and calendar (首问责任制热线).",
        discussion: """
            Your identity is your Unix user, mapped to a staff record; root is an administrator and may act for \
            anyone with --as LOGIN. Every command takes --json for scripts and --lang zh|en.

            Exit status: 0 ok, 2 usage, 3 refused by a rule or a role, 4 not found, 5 daemon unreachable.

            Examples:
              hotlinectl status
              hotlinectl dept add SVC --name 客服部
              hotlinectl staff add zhangsan --name 张三 --dept SVC --role operator --extension 8001
            """,
        version: "0.1.0",
        subcommands: [
            Status.self, Calls.self, Call.self, Complaint.self, Audit.self, Watch.self, QA.self, Dept.self, Staff.self,
            CalendarCommand.self, Clock.self, Inbox.self, Duty.self, Notices.self, Metrics.self, MatterCommand.self,
            CallerCommand.self, CallbackCommand.self,
        ]
    )

    public init() {}

    /// SPEC §6 puts the global options before the command (`hotlinectl --json --as zhangsan complaint show 7`);
    /// argument-parser reads options at the level that declares them, so those given before the command move to
    /// its end, where every subcommand's ``GlobalOptions`` finds them.
    static func movingGlobalOptions(_ arguments: [String]) -> [String] {
        let withValue: Set<String> = ["--socket", "--as", "--lang"]
        let flags: Set<String> = ["--json"]
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
            if flags.contains(argument) {
                leading.append(argument)
                index += 1
            } else if withValue.contains(name) && argument.contains("=") {
                leading.append(argument)
                index += 1
            } else if withValue.contains(argument) && index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.count else { return arguments }
        return Array(arguments[index...]) + leading
    }

    /// The language of a command line that may not have parsed: the last `--lang zh|en` on it, else the locale.
    static func language(of arguments: [String]) -> Language {
        var lang: String?
        for (index, argument) in arguments.enumerated() {
            if argument == "--" { break }
            if argument == "--lang", index + 1 < arguments.count {
                lang = arguments[index + 1]
            } else if argument.hasPrefix("--lang=") {
                lang = String(argument.dropFirst("--lang=".count))
            }
        }
        return GlobalOptions.language(lang)
    }

    /// Parses and runs a command line, mapping every failure to the exit status of SPEC §6.
    public static func runMain(_ arguments: [String]) -> Int32 {
        do {
            var command = try parseAsRoot(movingGlobalOptions(arguments))
            try command.run()
            return 0
        } catch let failure as CLIFailure {
            FileHandle.standardError.write(Data("hotlinectl: \(failure.message)\n".utf8))
            return failure.status
        } catch {
            let code = exitCode(for: error)
            var message = fullMessage(for: error)
            // Our own messages come in the reader's language already; argument-parser's prefix is translated too
            // (its usage lines stay as it writes them).
            if language(of: arguments) == .zh, message.hasPrefix("Error: ") {
                message = "错误：" + message.dropFirst("Error: ".count)
            }
            if code == .success {
                print(message)
                return 0
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            // Usage errors exit 2 (SPEC §6), not argument-parser's 64.
            return code == .validationFailure ? 2 : code.rawValue
        }
    }
}
