import Foundation
import HotlineCore
import HotlineProtocol

extension FreeSWITCHCallModel {
    /// The headers that name a channel's partner, and how a partner found through each makes the channel
    /// belong to the partner's call.
    private static let partnerHeaders = [
        "Other-Leg-Unique-ID", "variable_originator", "variable_originating_leg_uuid", "variable_bridge_uuid",
    ]

    /// The call a new channel belongs to, and how, from the headers that link it to a known channel.
    private func link(of context: EventContext) -> (call: String, role: LegRole)? {
        if let member = context.channel("variable_cc_member_session_uuid"), let call = callID(of: member) {
            return (call, .linked)
        }
        if let half = context.channel("variable_other_loopback_leg_uuid"), let call = callID(of: half) {
            return (call, half == call ? .callerHalf : .linked)
        }
        for header in Self.partnerHeaders {
            guard let partner = context.channel(header), let call = callID(of: partner) else { continue }
            let partnerIsCaller = partner == call || legs[partner]?.role == .callerHalf
            return (call, partnerIsCaller ? .bLeg : .linked)
        }
        return nil
    }

    /// The extension a channel reaches: from its name (`sofia/internal/8001@…`, `loopback/8001-a`), else its
    /// destination number; `nil` when that is one of the hotline's own numbers (a hop into the hotline).
    private func reach(channelName: String?, destination: String?) -> String? {
        let found =
            channelName.flatMap(FreeSWITCHExtension.from(dialString:))
            ?? destination.flatMap { FreeSWITCHExtension.isValid($0) ? $0 : nil }
        guard let found, !configuration.inboundNumbers.contains(found) else { return nil }
        return found
    }

    /// Whether an inbound channel dials one of the `--inbound` numbers.
    private func isInboundHotlineCall(_ context: EventContext) -> Bool {
        guard !configuration.inboundNumbers.isEmpty, context["Call-Direction"] == "inbound",
            let dialled = context["Caller-Destination-Number"]
        else { return false }
        return configuration.inboundNumbers.contains(dialled)
    }

    mutating func channelCreated(_ context: EventContext) -> [PBXEvent] {
        guard let channel = context.channel("Unique-ID"), callID(of: channel) == nil, !ended.contains(channel)
        else { return [] }
        if let (id, role) = link(of: context), let call = calls[id] {
            addLeg(
                channel,
                to: call,
                role: role,
                reaches: reach(channelName: context["Channel-Name"], destination: context["Caller-Destination-Number"])
            )
            return []
        }
        guard isInboundHotlineCall(context) else { return [] }
        var call = startCall(channel)
        fillCaller(&call, from: context, memberFields: false)
        calls[channel] = call
        if let half = context.channel("variable_other_loopback_leg_uuid") {
            addLeg(half, to: call, role: .callerHalf, reaches: nil)
        }
        return offer(&call, at: context.at, force: false)
    }

    mutating func channelAnswered(_ context: EventContext) -> [PBXEvent] {
        guard let channel = context.channel("Unique-ID"), let id = callID(of: channel), var call = calls[id] else {
            return []
        }
        if channel == call.id {
            fillCaller(&call, from: context, memberFields: false)
            // The caller's own answer is the IVR's or the queue's, not an agent's.
            return offer(&call, at: context.at, force: false)
        }
        guard let leg = legs[channel], leg.role == .bLeg, !call.isAnswered, !call.joinedQueue,
            let agent = leg.reaches
        else { return [] }
        return answer(&call, by: agent, leg: channel, at: context.at)
    }

    mutating func channelBridged(_ context: EventContext) -> [PBXEvent] {
        guard let channel = context.channel("Unique-ID") else { return [] }
        let partner = context.channel("Other-Leg-Unique-ID")
        guard let id = callID(of: channel) ?? partner.flatMap({ callID(of: $0) }), var call = calls[id] else {
            return []
        }
        // Which side is the caller's, and what the other side reaches.
        let other: String
        let otherReaches: String?
        if isCallerSide(channel, of: id), let partner {
            other = partner
            otherReaches = reach(
                channelName: context["Other-Leg-Channel-Name"],
                destination: context["Other-Leg-Destination-Number"]
            )
        } else if let partner, isCallerSide(partner, of: id) {
            other = channel
            otherReaches = reach(
                channelName: context["Channel-Name"],
                destination: context["Caller-Destination-Number"]
            )
        } else {
            // Two legs of the call bridged to each other (an agent's loopback hop): nothing for the register.
            for leg in [channel, partner].compactMap({ $0 }) { addLeg(leg, to: call, role: .linked, reaches: nil) }
            return []
        }
        addLeg(other, to: call, role: .bLeg, reaches: otherReaches)
        var output: [PBXEvent] = []
        if channel == call.id {
            fillCaller(&call, from: context, memberFields: false)
            output += offer(&call, at: context.at, force: false)
        }
        guard let leg = legs[other], let reaches = leg.reaches ?? otherReaches else {
            calls[call.id] = call
            return output
        }
        if !call.isAnswered {
            // A queue call's answer is mod_callcenter's to tell (bridge-agent-start names the agent).
            guard !call.joinedQueue else {
                calls[call.id] = call
                return output
            }
            return output + answer(&call, by: reaches, leg: other, at: context.at)
        }
        guard !call.inQueue, other != call.agentLeg, leg.appearedAfterAnswer, let from = call.agent, reaches != from
        else {
            calls[call.id] = call
            return output
        }
        return output + transfer(&call, to: reaches, leg: other, context: context)
    }

    /// The caller's channel or the other half of its loopback pair.
    private func isCallerSide(_ channel: String, of call: String) -> Bool {
        guard channel != call else { return true }
        guard let leg = legs[channel] else { return false }
        return leg.call == call && leg.role == .callerHalf
    }

    mutating func channelHungUp(_ context: EventContext) -> [PBXEvent] {
        guard let channel = context.channel("Unique-ID") else { return [] }
        if legs[channel] != nil || ended.contains(channel) { return [] }
        var output: [PBXEvent] = []
        var call: Call
        if let known = calls[channel] {
            call = known
        } else {
            // Not followed: the bridge may have restarted mid-call. The caller's hang-up carries the queue, the
            // agent and the caller, enough to send the call whole (ids are derived, so repeats are duplicates).
            let queue = context["variable_cc_queue"]
            let isQueueMember = context["variable_cc_side"] == "member" && queue.map(configuration.accepts) == true
            guard isQueueMember || isInboundHotlineCall(context) else { return [] }
            call = startCall(channel)
            if isQueueMember {
                call.joinedQueue = true
                call.queue = queue
            }
        }
        fillCaller(&call, from: context, memberFields: false)
        if call.queueCause == nil { call.queueCause = context["variable_cc_cause"] }
        if !call.isAnswered, context["variable_cc_agent_bridged"] == "true",
            let agentName = context["variable_cc_agent"]
        {
            let agent = agentExtension(agentName, agentLegChannel: nil)
            if let agent {
                output += answer(&call, by: agent, leg: context.channel("variable_cc_agent_uuid"), at: context.at)
            }
        }
        output += offer(&call, at: context.at, force: true)
        let hangupCause = context["Hangup-Cause"] ?? context["variable_hangup_cause"] ?? ""
        let cause = Self.endCause(answered: call.isAnswered, queueCause: call.queueCause, hangupCause: hangupCause)
        output.append(event(call.id, "ended", at: context.at, .callEnded(call: call.id, cause: cause)))
        forget(call)
        return output
    }

    /// `answered` by one extension, once.
    mutating func answer(_ call: inout Call, by agent: String, leg: String?, at: Date) -> [PBXEvent] {
        guard !call.isAnswered else {
            calls[call.id] = call
            return []
        }
        call.agent = agent
        call.agentLeg = leg
        calls[call.id] = call
        return [event(call.id, "answered", at: at, .callAnswered(call: call.id, agents: [agent]))]
    }

    /// `transferred` from the extension holding the call to `agent`.
    mutating func transfer(_ call: inout Call, to agent: String, leg: String?, context: EventContext) -> [PBXEvent] {
        guard let from = call.agent, from != agent else {
            calls[call.id] = call
            return []
        }
        call.agent = agent
        call.agentLeg = leg
        calls[call.id] = call
        return [
            event(
                call.id,
                "transferred",
                suffix: context.stamp,
                at: context.at,
                .callTransferred(call: call.id, agent: from, toAgent: agent)
            )
        ]
    }

    /// The end cause of the caller's hang-up (SPEC section 5's `cause`).
    ///
    /// - After an answer: `normal` for the causes of an ordinary clearing or transfer, `failed` for the rest.
    /// - Before: `abandoned` when the caller left the queue (`CC-Cause: Cancel`) or hung up while waiting
    ///   (`NORMAL_CLEARING`, `ORIGINATOR_CANCEL`); `no_answer` when the queue timed out (`CC-Cause: Timeout`) or
    ///   FreeSWITCH says nobody answered; `busy` for `USER_BUSY`; `failed` for any other cause.
    public static func endCause(answered: Bool, queueCause: String?, hangupCause: String) -> PBXEvent.EndCause {
        let hangup = hangupCause.uppercased()
        if answered {
            return normalClearings.contains(hangup) ? .normal : .failed
        }
        switch queueCause?.lowercased() {
        case "cancel": return .abandoned
        case "timeout": return .noAnswer
        default: break
        }
        switch hangup {
        case "USER_BUSY": return .busy
        case "NO_ANSWER", "NO_USER_RESPONSE", "ALLOTTED_TIMEOUT": return .noAnswer
        case "NORMAL_CLEARING", "ORIGINATOR_CANCEL", "NORMAL_UNSPECIFIED": return .abandoned
        default: return .failed
        }
    }

    /// Hang-up causes that end an answered call normally.
    private static let normalClearings: Set<String> = [
        "NORMAL_CLEARING", "NORMAL_UNSPECIFIED", "ORIGINATOR_CANCEL", "ATTENDED_TRANSFER", "BLIND_TRANSFER",
        "LOSE_RACE", "PICKED_OFF", "ALLOTTED_TIMEOUT", "MANAGER_REQUEST", "SUCCESS",
    ]
}
