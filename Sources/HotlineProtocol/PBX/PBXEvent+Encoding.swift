import HotlineCore

extension PBXEvent {
    /// The event as one newline-terminated JSON line in the wire format (for simulators and adapters).
    ///
    /// Keys come in a fixed order (`v`, `id`, `type`, `at`, then the type's fields); a single answering agent
    /// is written as `agent`, several as `agents`; `nil` optional fields are left out. Parsing the line gives
    /// an equal event, except that an empty `fromName` or `queue` reads back as `nil`.
    public func encodedLine() -> [UInt8] {
        var writer = PBXJSONWriter()
        writer.member("v", integer: PBXEventParser.version)
        writer.member("id", string: id)
        writer.member("type", string: typeName)
        writer.member("at", string: timestamp.text)
        switch kind {
        case .callOffered(let call, let from, let fromName, let to, let queue):
            writer.member("call", string: call)
            writer.member("from", string: from.normalized)
            if let fromName { writer.member("from_name", string: fromName) }
            writer.member("to", string: to)
            if let queue { writer.member("queue", string: queue) }
        case .callAnswered(let call, let agents):
            writer.member("call", string: call)
            if agents.count == 1 {
                writer.member("agent", string: agents[0])
            } else {
                writer.member("agents", strings: agents)
            }
        case .callTransferred(let call, let agent, let toAgent):
            writer.member("call", string: call)
            writer.member("agent", string: agent)
            writer.member("to_agent", string: toAgent)
        case .callEnded(let call, let cause):
            writer.member("call", string: call)
            writer.member("cause", string: cause.rawValue)
        case .agentLogin(let agent, let staff), .agentLogout(let agent, let staff):
            writer.member("agent", string: agent)
            writer.member("staff", string: staff)
        }
        return writer.finishLine()
    }
}
