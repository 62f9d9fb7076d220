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
            throw ValidationError("--lang must be zh or en, not '\(lang)'")
        }
    }

    var socketPath: String {
        if let socket { return socket }
        if let fromEnvironment = ProcessInfo.processInfo.environment["HOTLINE_SOCKET"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return DefaultPaths.runtimeDirectory + "/control.sock"
    }

    var language: Language {
        if let lang, let language = Language(rawValue: lang) { return language }
        let environment = ProcessInfo.processInfo.environment
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[key], !value.isEmpty { return Language(localeIdentifier: value) }
        }
        return .en
    }

    /// Sends one request and returns the result, or throws a ``CLIFailure`` with the exit status of SPEC §6.
    func send(_ command: String, _ arguments: [(String, JSONValue)] = []) throws -> JSONValue {
        let request = ControlRequest(command: command, actAs: actAs, language: language, arguments: arguments)
        let response = try ControlClient(path: socketPath, language: language).exchange(request)
        switch response {
        case .success(let result): return result
        case .failure(let error): throw CLIFailure(error: error)
        }
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
