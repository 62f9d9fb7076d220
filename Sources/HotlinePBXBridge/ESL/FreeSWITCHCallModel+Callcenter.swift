import Foundation
import HotlineCore
import HotlineProtocol

extension FreeSWITCHCallModel {
    /// A `CUSTOM callcenter::info` event, by `CC-Action`.
    mutating func callcenterEvent(_ context: EventContext) -> [PBXEvent] {
        switch context["CC-Action"] {
        case "member-queue-start": return memberJoinedQueue(context)
        case "bridge-agent-start": return agentBridged(context)
        case "member-queue-end": return memberLeftQueue(context)
        case "agent-status-change": return agentStatusChanged(context)
        default:
            // agent-offering (ringing), agent-state-change, members-count, bridge-agent-end/fail: nothing the
            // register keeps; the caller's hang-up ends the call.
            return []
        }
    }

    /// The member's channel: `CC-Member-Session-UUID`, else the event's channel.
    private func memberChannel(_ context: EventContext) -> String? {
        context.channel("CC-Member-Session-UUID") ?? context.channel("Unique-ID")
    }

    /// The call a callcenter event is about; a member of a configured queue that is not followed yet is taken up
    /// (the first event of the call, or a bridge restarted mid-call).
    private mutating func memberCall(_ context: EventContext) -> Call? {
        guard let member = memberChannel(context), !ended.contains(member) else { return nil }
        if let id = callID(of: member), var call = calls[id] {
            if call.queue == nil { call.queue = context["CC-Queue"] }
            call.joinedQueue = true
            return call
        }
        guard let queue = context["CC-Queue"], configuration.accepts(queue: queue) else { return nil }
        var call = startCall(member)
        call.queue = queue
        call.joinedQueue = true
        calls[member] = call
        if context.channel("Unique-ID") == member, let half = context.channel("variable_other_loopback_leg_uuid") {
            addLeg(half, to: call, role: .callerHalf, reaches: nil)
        }
        return call
    }

    private mutating func memberJoinedQueue(_ context: EventContext) -> [PBXEvent] {
        guard var call = memberCall(context) else { return [] }
        call.queueMember = context["CC-Member-UUID"]
        call.inQueue = true
        fillCaller(&call, from: context, memberFields: true)
        return offer(&call, at: context.at, force: true)
    }

    /// Whether a callcenter event is about the call's latest queue session (or cannot tell).
    private func isCurrentSession(_ call: Call, _ context: EventContext) -> Bool {
        guard let current = call.queueMember, let member = context["CC-Member-UUID"] else { return true }
        return current == member
    }

    private mutating func memberLeftQueue(_ context: EventContext) -> [PBXEvent] {
        guard var call = memberCall(context) else { return [] }
        if isCurrentSession(call, context) {
            call.queueCause = context["CC-Cause"]
            call.inQueue = false
        }
        fillCaller(&call, from: context, memberFields: true)
        return offer(&call, at: context.at, force: false)
    }

    /// mod_callcenter bridged an agent to the member: the answer, or, when another agent already had the call, a
    /// transfer through the queue.
    private mutating func agentBridged(_ context: EventContext) -> [PBXEvent] {
        guard var call = memberCall(context), let agentName = context["CC-Agent"] else { return [] }
        if isCurrentSession(call, context) { call.inQueue = false }
        fillCaller(&call, from: context, memberFields: true)
        let agentLeg = context.channel("CC-Agent-UUID")
        let legName = context.channel("Unique-ID") == agentLeg ? context["Channel-Name"] : nil
        if let agentLeg {
            addLeg(agentLeg, to: call, role: .linked, reaches: legName.flatMap(FreeSWITCHExtension.from(dialString:)))
        }
        guard let agent = agentExtension(agentName, agentLegChannel: legName) else {
            warn("call \(call.id): agent \(ESLFrameError.shown(agentName)) answered but has no usable extension")
            calls[call.id] = call
            return []
        }
        // A call taken up at this event has no dialled number yet: it is offered when one arrives, or at the end.
        var output = offer(&call, at: context.at, force: false)
        if call.isAnswered {
            output += transfer(&call, to: agent, leg: agentLeg, context: context)
        } else {
            output += answer(&call, by: agent, leg: agentLeg, at: context.at)
        }
        return output
    }

    /// The extension of a mod_callcenter agent: from its contact (``learnAgents(_:)``), else its name when that
    /// is all digits (agents named after their extension, as in the shipped configuration), else the agent
    /// leg's channel (`sofia/internal/8001@…`), else the name as it is.
    func agentExtension(_ name: String, agentLegChannel: String?) -> String? {
        if let contact = agents[name]?.contactExtension { return contact }
        if Self.isDigits(name), FreeSWITCHExtension.isValid(name) { return name }
        if let fromLeg = agentLegChannel.flatMap(FreeSWITCHExtension.from(dialString:)) { return fromLeg }
        return FreeSWITCHExtension.isValid(name) ? name : nil
    }

    /// The extension an agent session is on: its contact's, else its name when that is all digits. Unlike an
    /// answer, a login under a guessed extension would misattribute calls for a whole shift, so there is no
    /// further guess.
    private func sessionExtension(_ name: String) -> String? {
        if let contact = agents[name]?.contactExtension { return contact }
        return Self.isDigits(name) && FreeSWITCHExtension.isValid(name) ? name : nil
    }

    private static func isDigits(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// The staff login of an agent: the agent map's, else the agent's name.
    private func staffLogin(_ name: String) -> String? {
        let login = configuration.agentMap[name] ?? name
        return FreeSWITCHText.isIdentifier(login, maximumLength: 64) ? login : nil
    }

    private mutating func agentStatusChanged(_ context: EventContext) -> [PBXEvent] {
        guard let name = context["CC-Agent"], let status = context["CC-Agent-Status"] else { return [] }
        return agentStatus(name: name, status: status, at: context.at, stamp: context.stamp)
    }

    /// Opens or closes an agent's session when its status says so (see the type's documentation for `On Break`).
    /// `stamp` ends the id (``EventContext/stamp``), so that a login, a logout and a login within one
    /// microsecond stay three events.
    private mutating func agentStatus(name: String, status: String, at: Date, stamp: String) -> [PBXEvent] {
        let loggedIn: Bool
        switch status {
        case "Available", "Available (On Demand)", "On Break": loggedIn = true
        case "Logged Out": loggedIn = false
        default: return []
        }
        var agent = agents[name] ?? Agent()
        guard agent.loggedIn != loggedIn else { return [] }
        guard let staff = staffLogin(name) else {
            warn("agent \(ESLFrameError.shown(name)): no usable staff login; add it to the agent map")
            return []
        }
        guard let extensionNumber = sessionExtension(name) else {
            warn(
                "agent \(ESLFrameError.shown(name)): status \(status) but no extension known; "
                    + "its contact comes from `callcenter_config agent list`"
            )
            return []
        }
        agent.loggedIn = loggedIn
        agents[name] = agent
        let kind: PBXEvent.Kind =
            loggedIn
            ? .agentLogin(agent: extensionNumber, staff: staff) : .agentLogout(agent: extensionNumber, staff: staff)
        return [event("agent", name, suffix: (loggedIn ? "login-" : "logout-") + stamp, at: at, kind)]
    }

    /// Learns the agents' contacts, and so their extensions, from `callcenter_config agent list` (see
    /// ``FreeSWITCHAgentList``), and brings sessions in line with their statuses: after a (re)connect, an agent
    /// that became available while the bridge was away is logged in.
    ///
    /// The list only has the second of the last status change (`last_status_change`), so such a login's id ends
    /// in seconds, not in the event's microseconds: a bridge that restarts with no memory of the agents sends
    /// a session it had already sent from the event again, under another id. hotlined then records the same
    /// person logging in on the same extension twice, which leaves the same state; a lost login would not.
    public mutating func learnAgents(_ list: [FreeSWITCHAgentList.Agent]) -> [PBXEvent] {
        var output: [PBXEvent] = []
        for row in list {
            var agent = agents[row.name] ?? Agent()
            if let contact = row.contact.flatMap(FreeSWITCHExtension.from(dialString:)) {
                agent.contactExtension = contact
            }
            agents[row.name] = agent
            let changed = row.lastStatusChange ?? 0
            let at = Date(timeIntervalSince1970: TimeInterval(changed))
            // A logged-out agent the bridge never saw logged in needs no logout.
            if row.status == "Logged Out" && agent.loggedIn != true { continue }
            output += agentStatus(name: row.name, status: row.status, at: at, stamp: String(changed))
        }
        return output
    }
}
