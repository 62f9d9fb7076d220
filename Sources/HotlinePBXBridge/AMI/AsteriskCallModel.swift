import Foundation
import HotlineCore
import HotlineProtocol

/// Asterisk's call model: turns AMI events into the hotline events of SPEC section 5, as a pure value with no I/O.
///
/// - A call is one `Linkedid`. Every channel of it (the caller's, Local-channel halves `;1`/`;2`, the agents' legs)
///   is tracked by `Uniqueid`, and the call is reported once, whatever the number of channels.
/// - It is a hotline call when its caller joins one of the policy's queues (`QueueCallerJoin`) or its first channel
///   dials one of the inbound numbers. The caller's channel is the one in the queue (for a Local channel, the `;2`
///   half that runs the dialplan), not the oldest channel of the call.
/// - `call.offered` goes out once the caller's number is known (`NewCallerid` may come after `Newchannel`); a
///   withheld number (presentation prohibited, `anonymous`) is the policy's placeholder. At the latest the offer
///   goes out when the caller joins the queue, is answered or hangs up.
/// - `call.answered` names the member that connected: `DialEnd` with `ANSWER` to a member the queue rang
///   (`AgentCalled`), or `AgentConnect`, whichever comes first; the extension is taken from the member interface.
/// - `call.transferred` from `BlindTransfer` and `AttendedTransfer`; `call.ended` from the caller's `Hangup`
///   (cause mapped by ``AsteriskHangupCause``) or `QueueCallerAbandon`.
/// - Agent sessions from `QueueMemberAdded`/`QueueMemberRemoved`: an extension logs in when it joins its first
///   hotline queue and out when it leaves its last.
///
/// Event ids are derived (``BridgeEventID``), so the same AMI events always give the same ids.
public struct AsteriskCallModel: PBXCallModel {
    /// What the model knows, saved in the bridge's state directory between runs.
    public struct State: Codable, Sendable, Equatable {
        var channels: [String: Channel] = [:]
        var calls: [String: Call] = [:]
        var agents: [String: AgentSession] = [:]
        var reconciling: Set<String>?
        /// The PBX's `SystemName` last seen, for events made from frames that do not carry it.
        var systemName: String?

        public init() {}
    }

    struct Channel: Codable, Sendable, Equatable {
        var name: String
        var linkedID: String
        var number: String?
        var callerName: String?
        var withheld = false
    }

    struct Call: Codable, Sendable, Equatable {
        var system: String
        var hotline = false
        var callerChannel: String?
        var to: String?
        var queue: String?
        var offered = false
        var answeredBy: String?
        var currentAgent: String?
        /// Agent legs the queue rang (`AgentCalled`): channel name → extension.
        var ringing: [String: String] = [:]
        var transfers = 0
        var ended = false
        var queueGaveUp = false
        var channelCount = 0
    }

    struct AgentSession: Codable, Sendable, Equatable {
        var system: String
        var staff: String
        var queues: Set<String>
        var session: String
    }

    public var state: State
    public var policy: CallPolicy

    public init(policy: CallPolicy, state: State = State()) {
        self.policy = policy
        self.state = state
    }

    public var callsInProgress: Int {
        state.calls.values.count { $0.hotline && $0.offered && !$0.ended }
    }

    /// Extensions with an agent session open.
    public var agentsLoggedIn: Int { state.agents.count }

    public mutating func handle(_ frame: AMIFrame, at: Date) -> [PBXEvent] {
        guard let name = frame.eventName else { return [] }
        var emitter = Emitter(at: at, utcOffsetSeconds: policy.utcOffsetSeconds)
        if let named = frame["SystemName"], !named.isEmpty { state.systemName = named }
        let system = state.systemName ?? policy.systemName
        switch name {
        case "Newchannel":
            noteChannel(frame, system: system, isNew: true, &emitter)
        case "NewCallerid", "NewConnectedLine", "Newstate", "NewExten", "VarSet", "DialBegin", "BridgeEnter",
            "BridgeLeave":
            noteChannel(frame, system: system, isNew: false, &emitter)
        case "QueueCallerJoin":
            queueCallerJoined(frame, system: system, &emitter)
        case "AgentCalled":
            if let linkedID = frame["Linkedid"], let destination = frame["DestChannel"],
                let interface = frame["Interface"], let agent = AgentExtension.from(interface: interface)
            {
                state.calls[linkedID]?.ringing[destination] = agent
            }
        case "DialEnd":
            dialEnded(frame, &emitter)
        case "AgentConnect":
            if let linkedID = frame["Linkedid"], let interface = frame["Interface"],
                let agent = AgentExtension.from(interface: interface)
            {
                answer(linkedID, agent: agent, &emitter)
            }
        case "QueueCallerAbandon":
            if let linkedID = frame["Linkedid"], let call = state.calls[linkedID], call.hotline, !call.ended,
                call.answeredBy == nil
            {
                end(linkedID, cause: .abandoned, &emitter)
            }
        case "QueueCallerLeave":
            if let linkedID = frame["Linkedid"], state.calls[linkedID]?.answeredBy == nil {
                state.calls[linkedID]?.queueGaveUp = true
            }
        case "BlindTransfer":
            blindTransferred(frame, &emitter)
        case "AttendedTransfer":
            attendedTransferred(frame, &emitter)
        case "Hangup":
            hungUp(frame, &emitter)
        case "QueueMemberAdded":
            memberAdded(frame, system: system, &emitter)
        case "QueueMemberRemoved":
            memberRemoved(frame, &emitter)
        default:
            break
        }
        return emitter.events
    }

    public mutating func beginReconciliation() {
        state.reconciling = Set(state.calls.keys)
    }

    public mutating func finishReconciliation(activeCallIDs: Set<String>, at: Date) -> [PBXEvent] {
        var emitter = Emitter(at: at, utcOffsetSeconds: policy.utcOffsetSeconds)
        let candidates = state.reconciling ?? []
        state.reconciling = nil
        for linkedID in candidates.sorted() where !activeCallIDs.contains(linkedID) {
            guard let call = state.calls[linkedID] else { continue }
            if call.hotline && !call.ended {
                end(linkedID, cause: .failed, &emitter)
            }
            state.calls[linkedID] = nil
            state.channels = state.channels.filter { $0.value.linkedID != linkedID }
        }
        return emitter.events
    }

    /// Brings the agent sessions in line with the queue members the PBX lists (`QueueMember` frames of a
    /// `QueueStatus`): a session whose member is gone is logged out, a member the bridge did not know is logged in,
    /// a member now under another staff login is logged out and in again.
    public mutating func reconcileAgents(queueMembers: [AMIFrame], at: Date) -> [PBXEvent] {
        var emitter = Emitter(at: at, utcOffsetSeconds: policy.utcOffsetSeconds)
        let system = state.systemName ?? policy.systemName
        // The members as QueueMemberAdded would have named them, by extension.
        var listed: [String: [AMIFrame]] = [:]
        for member in queueMembers {
            guard let queue = member["Queue"], policy.isHotlineQueue(queue),
                let interface = member["Location"] ?? member["Interface"],
                let agent = AgentExtension.from(interface: interface)
            else { continue }
            listed[agent, default: []].append(
                AMIFrame([
                    "Queue": queue, "Interface": interface, "MemberName": member["Name"] ?? member["MemberName"] ?? "",
                    "LoginTime": member["LoginTime"] ?? "",
                ])
            )
        }
        for (agent, session) in state.agents.sorted(by: { $0.key < $1.key }) {
            let staff = listed[agent]?.first.flatMap { staffLogin(of: $0, agent: agent) }
            guard staff != session.staff else {
                state.agents[agent]?.queues = Set(listed[agent]?.compactMap { $0["Queue"] } ?? [])
                continue
            }
            state.agents[agent] = nil
            emitter.emit(
                BridgeEventID.agent(system: session.system, extension: agent, kind: "logout", session: session.session),
                .agentLogout(agent: agent, staff: session.staff)
            )
        }
        for agent in listed.keys.sorted() where state.agents[agent] == nil {
            for member in listed[agent] ?? [] { memberAdded(member, system: system, &emitter) }
        }
        return emitter.events
    }

    // MARK: - Channels and the caller

    private mutating func noteChannel(_ frame: AMIFrame, system: String, isNew: Bool, _ emitter: inout Emitter) {
        guard let uniqueID = frame["Uniqueid"], let linkedID = frame["Linkedid"], let name = frame["Channel"] else {
            return
        }
        if state.calls[linkedID] == nil { state.calls[linkedID] = Call(system: system) }
        if state.channels[uniqueID] == nil {
            state.channels[uniqueID] = Channel(name: name, linkedID: linkedID)
            state.calls[linkedID]?.channelCount += 1
        }
        state.channels[uniqueID]?.name = name
        if let number = frame["CallerIDNum"], Self.isKnown(number) { state.channels[uniqueID]?.number = number }
        if let callerName = frame["CallerIDName"], Self.isKnown(callerName) {
            state.channels[uniqueID]?.callerName = callerName
        }
        if let presentation = frame["CID-CallingPres"] {
            state.channels[uniqueID]?.withheld = presentation.contains("Prohibited")
        }
        if isNew, let exten = frame["Exten"], policy.inbound.contains(exten) {
            dialledInbound(linkedID, channel: uniqueID, exten: exten)
        }
        if state.calls[linkedID]?.callerChannel == uniqueID {
            offerIfKnown(linkedID, decisive: false, &emitter)
        }
    }

    /// A channel of the call dialled an inbound number: the call is a hotline call, and (for Local channels) the
    /// `;2` half that runs the dialplan is the caller's.
    private mutating func dialledInbound(_ linkedID: String, channel uniqueID: String, exten: String) {
        guard var call = state.calls[linkedID] else { return }
        if !call.hotline {
            call.hotline = true
            call.callerChannel = uniqueID
            call.to = exten
        } else if let current = call.callerChannel, let currentName = state.channels[current]?.name,
            let name = state.channels[uniqueID]?.name, currentName.hasSuffix(";1"), name.hasSuffix(";2"),
            currentName.dropLast(2) == name.dropLast(2)
        {
            call.callerChannel = uniqueID
        }
        state.calls[linkedID] = call
    }

    private mutating func queueCallerJoined(_ frame: AMIFrame, system: String, _ emitter: inout Emitter) {
        guard let queue = frame["Queue"], policy.isHotlineQueue(queue), let uniqueID = frame["Uniqueid"],
            let linkedID = frame["Linkedid"]
        else { return }
        noteChannel(frame, system: system, isNew: false, &emitter)
        guard var call = state.calls[linkedID], !call.ended else { return }
        call.hotline = true
        call.callerChannel = uniqueID
        // A frame with an empty `Queue:` names no queue; the PBX protocol has no empty queue (found by fuzzing).
        if call.queue == nil, !queue.isEmpty { call.queue = queue }
        if call.to == nil, let exten = frame["Exten"], !exten.isEmpty, exten != "s" { call.to = exten }
        state.calls[linkedID] = call
        // The caller is in the queue: what is known of the number now is all there will be.
        offerIfKnown(linkedID, decisive: true, &emitter)
    }

    /// Sends `call.offered` when the number is known, withheld, or (`decisive`) will not be learnt any more.
    private mutating func offerIfKnown(_ linkedID: String, decisive: Bool, _ emitter: inout Emitter) {
        guard let call = state.calls[linkedID], call.hotline, !call.offered else { return }
        let caller = call.callerChannel.flatMap { state.channels[$0] }
        // For an originated call the oldest channel (Uniqueid = Linkedid) may know the number first.
        let origin = state.channels[linkedID]
        let number = caller?.number ?? origin?.number
        let withheld = caller?.withheld ?? origin?.withheld ?? false
        let from: PhoneNumber
        var fromName = caller?.callerName ?? origin?.callerName
        if !withheld, let number, let valid = try? PhoneNumber(validating: number) {
            from = valid
        } else if withheld || number != nil || decisive {
            // Withheld, not a number (`anonymous`, `Restricted`), or never given: the placeholder, and no name
            // (a withheld caller's name is `Anonymous` or the trunk's, not the caller's).
            from = policy.withheldNumber
            fromName = nil
        } else {
            return
        }
        state.calls[linkedID]?.offered = true
        emitter.emit(
            BridgeEventID.call(system: call.system, call: linkedID, suffix: "offered"),
            .callOffered(
                call: linkedID,
                from: from,
                fromName: fromName,
                to: call.to ?? call.queue ?? "unknown",
                queue: call.queue
            )
        )
    }

    // MARK: - Answer, transfer, end

    private mutating func dialEnded(_ frame: AMIFrame, _ emitter: inout Emitter) {
        guard frame["DialStatus"] == "ANSWER", let uniqueID = frame["Uniqueid"], let linkedID = frame["Linkedid"],
            let destination = frame["DestChannel"], let call = state.calls[linkedID], call.hotline,
            call.callerChannel == uniqueID
        else { return }
        let agent: String?
        if let rung = call.ringing[destination] {
            agent = rung
        } else if let candidate = AgentExtension.from(interface: destination),
            call.queue == nil || state.agents[candidate] != nil
        {
            // A direct dial from an inbound number, or a member the bridge knows from its queue session.
            agent = candidate
        } else {
            agent = nil
        }
        if let agent { answer(linkedID, agent: agent, &emitter) }
    }

    private mutating func answer(_ linkedID: String, agent: String, _ emitter: inout Emitter) {
        guard let call = state.calls[linkedID], call.hotline, !call.ended else { return }
        guard call.answeredBy == nil else { return }
        offerIfKnown(linkedID, decisive: true, &emitter)
        state.calls[linkedID]?.answeredBy = agent
        state.calls[linkedID]?.currentAgent = agent
        emitter.emit(
            BridgeEventID.call(system: call.system, call: linkedID, suffix: "answered"),
            .callAnswered(call: linkedID, agents: [agent])
        )
    }

    private mutating func blindTransferred(_ frame: AMIFrame, _ emitter: inout Emitter) {
        guard frame["Result"] == "Success", let target = frame["Extension"], !target.isEmpty else { return }
        let linkedID = hotlineCall(among: [frame["TransfereeLinkedid"], frame["TransfererLinkedid"]])
        guard let linkedID else { return }
        let from = state.calls[linkedID]?.currentAgent ?? frame["TransfererChannel"].flatMap(AgentExtension.from)
        transfer(linkedID, from: from, to: target, &emitter)
    }

    private mutating func attendedTransferred(_ frame: AMIFrame, _ emitter: inout Emitter) {
        guard frame["Result"] == "Success" else { return }
        let linkedID = hotlineCall(among: [
            frame["TransfereeLinkedid"], frame["OrigTransfererLinkedid"], frame["SecondTransfererLinkedid"],
        ])
        guard let linkedID else { return }
        let target =
            frame["TransferTargetChannel"].flatMap(AgentExtension.from)
            ?? frame["SecondTransfererConnectedLineNum"].flatMap { Self.isKnown($0) ? $0 : nil }
            ?? frame["SecondTransfererExten"]
        guard let target else { return }
        let from =
            state.calls[linkedID]?.currentAgent ?? frame["OrigTransfererChannel"].flatMap(AgentExtension.from)
        transfer(linkedID, from: from, to: target, &emitter)
    }

    private mutating func transfer(_ linkedID: String, from: String?, to target: String, _ emitter: inout Emitter) {
        guard let call = state.calls[linkedID], let from, from != target else { return }
        let number = call.transfers + 1
        state.calls[linkedID]?.transfers = number
        state.calls[linkedID]?.currentAgent = target
        emitter.emit(
            BridgeEventID.call(system: call.system, call: linkedID, suffix: "transferred-\(number)"),
            .callTransferred(call: linkedID, agent: from, toAgent: target)
        )
    }

    private func hotlineCall(among candidates: [String?]) -> String? {
        candidates.compactMap { $0 }.first { state.calls[$0]?.hotline == true && state.calls[$0]?.ended == false }
    }

    private mutating func hungUp(_ frame: AMIFrame, _ emitter: inout Emitter) {
        guard let uniqueID = frame["Uniqueid"] else { return }
        let linkedID = frame["Linkedid"] ?? state.channels[uniqueID]?.linkedID
        let known = state.channels.removeValue(forKey: uniqueID) != nil
        guard let linkedID, var call = state.calls[linkedID] else { return }
        if known { call.channelCount -= 1 }
        state.calls[linkedID] = call
        let code = frame["Cause"].flatMap { Int($0) }
        let cause = AsteriskHangupCause.endCause(
            code: code,
            answered: call.answeredBy != nil,
            queueGaveUp: call.queueGaveUp
        )
        // The caller hanging up ends the call; so does the last channel going (a missed caller hang-up).
        if call.hotline && !call.ended && (call.callerChannel == uniqueID || call.channelCount <= 0) {
            end(linkedID, cause: cause, &emitter)
        }
        if call.channelCount <= 0 { state.calls[linkedID] = nil }
    }

    private mutating func end(_ linkedID: String, cause: CallEndCause, _ emitter: inout Emitter) {
        guard let call = state.calls[linkedID] else { return }
        offerIfKnown(linkedID, decisive: true, &emitter)
        state.calls[linkedID]?.ended = true
        emitter.emit(
            BridgeEventID.call(system: call.system, call: linkedID, suffix: "ended"),
            .callEnded(call: linkedID, cause: cause)
        )
    }

    // MARK: - Agent sessions

    private mutating func memberAdded(_ frame: AMIFrame, system: String, _ emitter: inout Emitter) {
        guard let queue = frame["Queue"], policy.isHotlineQueue(queue), let interface = frame["Interface"],
            let agent = AgentExtension.from(interface: interface)
        else { return }
        if var session = state.agents[agent] {
            session.queues.insert(queue)
            state.agents[agent] = session
            return
        }
        guard let staff = staffLogin(of: frame, agent: agent) else { return }
        let session = frame["LoginTime"].flatMap { $0.isEmpty ? nil : $0 } ?? "0"
        state.agents[agent] = AgentSession(system: system, staff: staff, queues: [queue], session: session)
        emitter.emit(
            BridgeEventID.agent(system: system, extension: agent, kind: "login", session: session),
            .agentLogin(agent: agent, staff: staff)
        )
    }

    /// The staff login of a member: its MemberName through the agent map. Asterisk names a member added without a
    /// MemberName after its interface: that is no staff login.
    private func staffLogin(of frame: AMIFrame, agent: String) -> String? {
        let interface = frame["Interface"]
        let memberName = frame["MemberName"].flatMap { $0.isEmpty || $0 == interface ? nil : $0 }
        return policy.agentMap.login(name: memberName, extension: agent)
    }

    private mutating func memberRemoved(_ frame: AMIFrame, _ emitter: inout Emitter) {
        guard let queue = frame["Queue"], let interface = frame["Interface"],
            let agent = AgentExtension.from(interface: interface), var session = state.agents[agent],
            session.queues.remove(queue) != nil
        else { return }
        guard session.queues.isEmpty else {
            state.agents[agent] = session
            return
        }
        state.agents[agent] = nil
        emitter.emit(
            BridgeEventID.agent(system: session.system, extension: agent, kind: "logout", session: session.session),
            .agentLogout(agent: agent, staff: session.staff)
        )
    }

    /// Whether an AMI caller id field holds something (Asterisk writes `<unknown>` for nothing).
    static func isKnown(_ value: String) -> Bool {
        !value.isEmpty && value != "<unknown>"
    }
}

/// Collects the events of one frame, all stamped with the frame's time.
struct Emitter {
    let at: Date
    let utcOffsetSeconds: Int
    var events: [PBXEvent] = []

    mutating func emit(_ id: String, _ kind: PBXEvent.Kind) {
        events.append(PBXEvent(id: id, at: at, utcOffsetSeconds: utcOffsetSeconds, kind: kind))
    }
}
