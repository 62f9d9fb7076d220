/// The output of `api callcenter_config agent list`: mod_callcenter's agents with their contacts and statuses.
///
/// FreeSWITCH 1.10 writes a `|`-separated header line (`name|instance_id|uuid|type|contact|status|state|…`), one
/// line per agent and `+OK`. Columns are found by their header names, so a version that adds columns still reads.
public enum FreeSWITCHAgentList {
    /// One agent.
    public struct Agent: Sendable, Equatable {
        /// The agent's name (`CC-Agent` in events).
        public var name: String
        /// Its dial string, `[call_timeout=10]loopback/8001/agents`, `user/8001`; `nil` when empty.
        public var contact: String?
        /// `Available`, `On Break`, `Logged Out`, …
        public var status: String
        /// When the status last changed, epoch seconds.
        public var lastStatusChange: Int?

        public init(name: String, contact: String?, status: String, lastStatusChange: Int?) {
            self.name = name
            self.contact = contact
            self.status = status
            self.lastStatusChange = lastStatusChange
        }
    }

    /// Why an agent list reply was not used.
    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// FreeSWITCH answered `-ERR …` (mod_callcenter not loaded, …).
        case refused(String)
        /// The header lacks the `name`, `contact` or `status` column.
        case unexpectedHeader(String)
        /// No `+OK` at the end: the reply was cut short.
        case missingOK

        public var description: String {
            switch self {
            case .refused(let reply): return "callcenter_config agent list refused: \(ESLFrameError.shown(reply))"
            case .unexpectedHeader(let line):
                return "callcenter_config agent list header lacks name|contact|status: \(ESLFrameError.shown(line))"
            case .missingOK: return "callcenter_config agent list output does not end with +OK"
            }
        }
    }

    /// Reads the body of the `api/response` to `api callcenter_config agent list`.
    public static func parse(_ output: String) throws(ParseError) -> [Agent] {
        let lines = output.split(separator: "\n").map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }.filter { !$0.isEmpty }
        if let first = lines.first, first.hasPrefix("-ERR") { throw .refused(String(first)) }
        guard lines.last == "+OK" else { throw .missingOK }
        guard let header = lines.first, header != "+OK" else { return [] }
        let names = header.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard let nameColumn = names.firstIndex(of: "name"), let contactColumn = names.firstIndex(of: "contact"),
            let statusColumn = names.firstIndex(of: "status")
        else { throw .unexpectedHeader(String(header)) }
        let changeColumn = names.firstIndex(of: "last_status_change")
        var agents: [Agent] = []
        for line in lines.dropFirst().dropLast() {
            let columns = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == names.count, !columns[nameColumn].isEmpty else { continue }
            agents.append(
                Agent(
                    name: columns[nameColumn],
                    contact: columns[contactColumn].isEmpty ? nil : columns[contactColumn],
                    status: columns[statusColumn],
                    lastStatusChange: changeColumn.flatMap { Int(columns[$0]) }
                )
            )
        }
        return agents
    }
}
