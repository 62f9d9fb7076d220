import Foundation
import HotlineCore
import HotlineProtocol

/// A bridge's settings (SPEC section 11), from the TOML config file with the command-line options over it.
///
/// The file has the options' names as keys, `_` for `-` (`secret_file`, `pbx_socket`, `withheld_number`, …);
/// `queue` and `inbound` take a string or an array of strings. The secret itself is never a setting: only the
/// file it is read from, so it appears neither in `ps` nor in the journal.
public struct BridgeSettings: Sendable, Equatable {
    /// A value of the config file, as the TOML reader gives it.
    public enum Value: Sendable, Equatable {
        case string(String)
        case strings([String])
        case other(String)
    }

    /// One `key = value` of the file, with its line for error messages.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: Value
        public var line: Int

        public init(key: String, value: Value, line: Int) {
            self.key = key
            self.value = value
            self.line = line
        }
    }

    /// The options given on the command line (`nil` or empty: not given).
    public struct Options: Sendable, Equatable {
        /// `--ami` (Asterisk) or `--esl` (FreeSWITCH).
        public var address: String?
        public var user: String?
        /// `--secret-file` (Asterisk) or `--password-file` (FreeSWITCH).
        public var secretFile: String?
        public var login: String?
        public var pbxSocket: String?
        public var queues: [String] = []
        public var inbound: [String] = []
        public var agentMap: String?
        public var withheldNumber: String?
        public var stateDirectory: String?
        public var systemName: String?

        public init() {}
    }

    public var pbx: PBXKind
    public var host: String
    public var port: UInt16
    /// The manager user (Asterisk); FreeSWITCH's event socket has a password only.
    public var user: String?
    /// The file holding the secret (Asterisk) or password (FreeSWITCH).
    public var secretFile: String
    /// How to log in to Asterisk: the MD5 challenge unless `plain` is asked for.
    public var login: AMISession.LoginMethod
    public var pbxSocket: String
    public var queues: [String]
    public var inbound: [String]
    public var agentMapFile: String?
    public var withheldNumber: PhoneNumber
    public var stateDirectory: String
    /// The PBX's system name for event ids when its events do not carry one.
    public var systemName: String

    static let knownKeys: Set<String> = [
        "ami", "esl", "user", "secret_file", "password_file", "login", "pbx_socket", "queue", "inbound",
        "agent_map", "withheld_number", "state_dir", "system_name",
    ]

    /// Merges the file's entries (`file` names it in errors) and the options; options win.
    public static func resolve(pbx: PBXKind, file: String? = nil, entries: [Entry] = [], options: Options)
        throws(BridgeSettingsError) -> BridgeSettings
    {
        var strings: [String: (String, Int)] = [:]
        var lists: [String: ([String], Int)] = [:]
        let origin = file ?? "config"
        for entry in entries {
            let key = entry.key.replacingOccurrences(of: "-", with: "_")
            guard knownKeys.contains(key) else {
                throw BridgeSettingsError("\(origin):\(entry.line): unknown key `\(entry.key)`")
            }
            switch (key, entry.value) {
            case ("queue", .string(let value)), ("inbound", .string(let value)): lists[key] = ([value], entry.line)
            case ("queue", .strings(let values)), ("inbound", .strings(let values)): lists[key] = (values, entry.line)
            case (_, .string(let value)) where key != "queue" && key != "inbound": strings[key] = (value, entry.line)
            default:
                throw BridgeSettingsError("\(origin):\(entry.line): `\(entry.key)` needs a string")
            }
        }
        func value(_ option: String?, _ key: String) -> String? {
            if let option, !option.isEmpty { return option }
            return strings[key]?.0
        }
        let addressKey = pbx == .asterisk ? "ami" : "esl"
        guard let address = value(options.address, addressKey) else {
            throw BridgeSettingsError(
                "the PBX address is missing: --\(addressKey) HOST:PORT or `\(addressKey)` in the config"
            )
        }
        let (host, port) = try parseAddress(address)
        let secretKey = pbx == .asterisk ? "secret_file" : "password_file"
        guard let secretFile = value(options.secretFile, secretKey) else {
            let flag = secretKey.replacingOccurrences(of: "_", with: "-")
            throw BridgeSettingsError("the \(pbx == .asterisk ? "secret" : "password") file is missing: --\(flag) FILE")
        }
        let user = value(options.user, "user")
        if pbx == .asterisk && user == nil {
            throw BridgeSettingsError("the AMI user is missing: --user NAME or `user` in the config")
        }
        let loginText = value(options.login, "login") ?? AMISession.LoginMethod.md5.rawValue
        guard let login = AMISession.LoginMethod(rawValue: loginText) else {
            throw BridgeSettingsError("login must be `md5` or `plain`, not `\(loginText)`")
        }
        let withheldText = value(options.withheldNumber, "withheld_number") ?? CallPolicy.defaultWithheldNumber
        let withheld: PhoneNumber
        do {
            withheld = try PhoneNumber(validating: withheldText)
        } catch {
            throw BridgeSettingsError("withheld number `\(withheldText)`: \(error)")
        }
        return BridgeSettings(
            pbx: pbx,
            host: host,
            port: port,
            user: user,
            secretFile: secretFile,
            login: login,
            pbxSocket: value(options.pbxSocket, "pbx_socket") ?? DefaultPaths.runtimeDirectory + "/pbx.sock",
            queues: options.queues.isEmpty ? lists["queue"]?.0 ?? [] : options.queues,
            inbound: options.inbound.isEmpty ? lists["inbound"]?.0 ?? [] : options.inbound,
            agentMapFile: value(options.agentMap, "agent_map"),
            withheldNumber: withheld,
            stateDirectory: value(options.stateDirectory, "state_dir")
                ?? DefaultPaths.stateDirectory + "/pbx-bridge-\(pbx.rawValue)",
            systemName: value(options.systemName, "system_name") ?? pbx.rawValue
        )
    }

    /// `HOST:PORT`, `[v6::addr]:PORT`.
    static func parseAddress(_ text: String) throws(BridgeSettingsError) -> (String, UInt16) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw BridgeSettingsError("address `\(text)`: expected [HOST]:PORT") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw BridgeSettingsError("address `\(text)`: expected HOST:PORT")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = UInt16(portText), port > 0 else {
            throw BridgeSettingsError("address `\(text)`: expected HOST:PORT with a port from 1 to 65535")
        }
        return (String(host), port)
    }

    /// The call policy for the PBX's call model, with the agent map's text already read.
    public func callPolicy(agentMap: AgentMap, utcOffsetSeconds: Int) -> CallPolicy {
        CallPolicy(
            queues: Set(queues),
            inbound: Set(inbound),
            withheldNumber: withheldNumber,
            agentMap: agentMap,
            utcOffsetSeconds: utcOffsetSeconds,
            systemName: systemName
        )
    }
}

/// A setting that is missing or wrong, said so that the operator can fix it.
public struct BridgeSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
