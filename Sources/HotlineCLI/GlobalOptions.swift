import ArgumentParser
import Foundation
import HotlineCore
import HotlineProtocol

/// Options every `hotlinectl` command takes.
public struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "Control socket of the daemon (default: $HOTLINE_SOCKET, else /run/hotline/control.sock as root)."
    )
    var socket: String?

    @Flag(name: .long, help: "Print one JSON document on stdout (stable snake_case field names) instead of text.")
    var json = false

    @Option(name: .customLong("as"), help: "Root only: act as this staff member (recorded as done by root as LOGIN).")
    var actAs: String?

    @Option(name: .long, help: "Language of messages and labels: zh or en (default: from the locale).")
    var lang: String?

    public init() {}

    public func validate() throws {
        if let lang, Language(rawValue: lang) == nil {
            // The language asked for is unknown, so the message follows the locale.
            throw usageError(zh: "--lang 须为 zh 或 en，不能是“\(lang)”", en: "--lang must be zh or en, not '\(lang)'")
        }
    }

    /// A usage error of our own checks in the reader's language; argument-parser adds the usage and we exit 2.
    func usageError(zh: String, en: String) -> ValidationError {
        ValidationError(LocalizedText(zh: zh, en: en).text(in: language))
    }

    /// A value checked as the daemon checks it (``ControlArgument``): a bad one is a usage error with its message.
    func checked<T>(_ check: (Language) throws -> T) throws -> T {
        do {
            return try check(language)
        } catch let error as ControlError {
            throw ValidationError(error.message)
        }
    }

    /// A failure of this command in the reader's language.
    func failure(status: Int32, zh: String, en: String) -> CLIFailure {
        CLIFailure(status: status, message: LocalizedText(zh: zh, en: en).text(in: language))
    }

    var socketPath: String {
        if let socket { return socket }
        if let fromEnvironment = ProcessInfo.processInfo.environment["HOTLINE_SOCKET"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return DefaultPaths.runtimeDirectory + "/control.sock"
    }

    var language: Language { GlobalOptions.language(lang) }

    /// `--lang` when it names a language, else the locale (LC_ALL, LC_MESSAGES, LANG), else English.
    static func language(_ lang: String?) -> Language {
        if let lang, let language = Language(rawValue: lang) { return language }
        let environment = ProcessInfo.processInfo.environment
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[key], !value.isEmpty { return Language(localeIdentifier: value) }
        }
        return .en
    }

    /// Sends one command and returns the result, or throws a ``CLIFailure`` with the exit status of SPEC §6.
    func send(_ command: ControlCommand) throws -> JSONValue {
        // The daemon checks too; checking here spares the round trip and gives the usage line.
        try checked { try command.checkLimits(language: $0) }
        let request = ControlRequest(command, actAs: actAs, language: language)
        let response = try ControlClient(path: socketPath, language: language).exchange(request)
        switch response {
        case .success(let result): return result
        case .failure(let error): throw CLIFailure(error: error)
        }
    }

    /// The typed reply; a reply that does not read as one (a field missing or of the wrong kind) fails with exit
    /// status 1 and the field at fault.
    func decode<Reply: ControlReply>(_ result: JSONValue, as type: Reply.Type) throws -> Reply {
        do {
            return try Reply(json: result)
        } catch {
            throw failure(
                status: 1,
                zh: "无法读取守护进程的应答（版本不一致？）：\(error)",
                en: "cannot read the daemon's answer (a different version?): \(error)"
            )
        }
    }

    /// Prints the result: JSON as received, or the human form of the typed reply.
    func emit<Reply: ControlReply>(_ result: JSONValue, as type: Reply.Type, human: (Reply) -> String) throws {
        if json {
            print(result.serialized(pretty: true))
            return
        }
        let text = human(try decode(result, as: Reply.self))
        if !text.isEmpty { print(text) }
    }

    /// Prints the result: JSON as received, or the human form.
    func emit(_ result: JSONValue, human: (JSONValue) -> String) {
        if json {
            print(result.serialized(pretty: true))
        } else {
            let text = human(result)
            if !text.isEmpty { print(text) }
        }
    }
}

/// A failed command: the message for stderr and the exit status.
public struct CLIFailure: Error, CustomStringConvertible {
    public var status: Int32
    public var message: String
    public var error: ControlError?

    public init(status: Int32, message: String) {
        self.status = status
        self.message = message
    }

    init(error: ControlError) {
        status = error.code.exitStatus
        var text = error.message
        if let rule = error.rule, !text.hasPrefix(rule) { text = "\(rule): \(text)" }
        message = text
        self.error = error
    }

    public var description: String { message }
}
