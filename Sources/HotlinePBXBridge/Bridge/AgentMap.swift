/// The agent map file (SPEC section 11): which staff login a PBX agent is, when the PBX's own name for the agent
/// (Asterisk's `MemberName`, FreeSWITCH's agent name) is not the login.
///
/// One mapping a line, `agent login` or `agent = login` (the agent is the PBX's name for the member, or its
/// extension); `#` starts a comment; blank lines are ignored.
public struct AgentMap: Sendable, Equatable {
    public private(set) var logins: [String: String]

    public init(_ logins: [String: String] = [:]) {
        self.logins = logins
    }

    public init(parsing text: String) throws(AgentMapError) {
        var logins: [String: String] = [:]
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "=" || $0 == "\r" })
            if words.isEmpty { continue }
            guard words.count == 2 else {
                throw AgentMapError(line: offset + 1, reason: "expected `agent login`, found \(words.count) words")
            }
            guard logins[String(words[0])] == nil else {
                throw AgentMapError(line: offset + 1, reason: "agent \(words[0]) mapped twice")
            }
            logins[String(words[0])] = String(words[1])
        }
        self.logins = logins
    }

    /// The staff login of the agent the PBX calls `name` on `extension`: the map's entry for the name, else for
    /// the extension, else the PBX's name itself; `nil` when there is no name at all.
    public func login(name: String?, extension: String) -> String? {
        if let name, let mapped = logins[name] { return mapped }
        if let mapped = logins[`extension`] { return mapped }
        guard let name, !name.isEmpty else { return nil }
        return name
    }
}

/// A line of the agent map that cannot be read.
public struct AgentMapError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public var description: String { "agent map line \(line): \(reason)" }
}
