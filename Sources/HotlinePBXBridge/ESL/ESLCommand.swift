/// The commands a bridge writes to the event socket, each ended by the empty line the server waits for.
public enum ESLCommand {
    /// The events the FreeSWITCH call model reads (SPEC section 11, issue #15).
    public static let hotlineEvents =
        "CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_HANGUP_COMPLETE CUSTOM callcenter::info"

    /// A command that cannot be sent as one.
    public enum CommandError: Error, Sendable, Equatable, CustomStringConvertible {
        /// A line break would end the command early and let the rest be read as another command.
        case lineBreak(command: String)
        case empty

        public var description: String {
            switch self {
            case .lineBreak(let command):
                return "ESL \(command): argument contains a line break (refused: it would inject another command)"
            case .empty: return "ESL command is empty"
            }
        }
    }

    /// `auth <password>`, the answer to `auth/request`.
    public static func auth(password: String) throws(CommandError) -> [UInt8] {
        try line("auth", password)
    }

    /// `event plain <events>`: subscribe, by default to ``hotlineEvents``.
    public static func subscribe(_ events: String = hotlineEvents) throws(CommandError) -> [UInt8] {
        try line("event plain", events)
    }

    /// `api <command>`: run a command and get its output as `api/response` (`show channels`,
    /// `callcenter_config agent list`).
    public static func api(_ command: String) throws(CommandError) -> [UInt8] {
        try line("api", command)
    }

    /// `exit`: the server replies and closes.
    public static let exit: [UInt8] = Array("exit\n\n".utf8)

    private static func line(_ verb: String, _ argument: String) throws(CommandError) -> [UInt8] {
        guard !argument.isEmpty else { throw .empty }
        guard !argument.contains(where: \.isNewline) else { throw .lineBreak(command: verb) }
        return Array("\(verb) \(argument)\n\n".utf8)
    }
}
