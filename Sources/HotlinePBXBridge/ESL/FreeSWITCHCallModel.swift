import Foundation
import HotlineCore
import HotlineProtocol

/// Turns FreeSWITCH events into the PBX socket events of SPEC section 5: a pure state machine, no I/O.
///
/// The bridge subscribes to `CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_HANGUP_COMPLETE CUSTOM
/// callcenter::info` and passes every decoded event to ``handle(_:receivedAt:)``, in order; what comes back is to
/// be sent to hotlined, in order. After (re)connecting it passes the output of `api callcenter_config agent list`
/// to ``learnAgents(_:)``, and ends the calls that `api show channels` misses and `api uuid_exists` says are gone
/// (``callsMissing(from:)``, ``endGone(_:at:)``).
///
/// - **The call** is the caller's channel: its `Unique-ID` is the `call` id. A channel becomes a hotline call when
///   it joins a configured queue (`member-queue-start`, whose `CC-Member-Session-UUID` names it), or, with
///   ``Configuration/inboundNumbers``, when an inbound channel is created dialling one of them.
/// - **Legs** are linked to the call through `variable_cc_member_session_uuid` (mod_callcenter's agent legs),
///   `Other-Leg-Unique-ID`, `variable_originator`, `variable_bridge_uuid` and `variable_other_loopback_leg_uuid`;
///   the other half of the caller's loopback pair is part of the caller, so each call is counted once, and its
///   hang-up (which carries a different caller id) is ignored.
/// - **offered** when the call is known, with the caller's number from the queue member (or the channel), a
///   withheld one replaced by ``Configuration/withheldNumber``.
/// - **answered**, for a queue call, from `bridge-agent-start` (the agent's extension from its contact, see
///   ``learnAgents(_:)``); for a call that is in no queue, from the `CHANNEL_ANSWER` of a B-leg or the
///   `CHANNEL_BRIDGE` of the caller.
/// - **transferred** when, after the answer and outside a queue, the caller is bridged to a leg that appeared
///   after the answer and reaches another extension (blind or attended transfer), or mod_callcenter bridges the
///   call to another agent (a transfer back to a queue).
/// - **ended** from the caller's `CHANNEL_HANGUP_COMPLETE`; see ``endCause(answered:queueCause:hangupCause:)``.
/// - **agent.login / agent.logout** from `agent-status-change`: `Available`, `Available (On Demand)` and
///   `On Break` open a session (a break pauses queue calls, it does not log the person out of the extension, so
///   an agent who signs in straight to a break is logged in), `Logged Out` closes it. The session's extension
///   comes from the agent's contact (``learnAgents(_:)``) or, for agents named after their extension, the name;
///   the staff login from ``Configuration/agentMap``, else the agent's name.
///
/// Event ids are derived (`<system>-<call id>-offered`, `…-answered`, `…-transferred-<µs>-<sequence>`, `…-ended`,
/// `<system>-agent-<name>-login-<µs>-<sequence>`), so a restarted bridge that derives an event again is told
/// `duplicate`. A bridge that restarts mid-call rebuilds the call from the first event that names it
/// (`bridge-agent-start`, `member-queue-end`, the caller's hang-up with its `cc_*` variables): the call comes out
/// whole and counted once.
public struct FreeSWITCHCallModel: Sendable {
    public let configuration: Configuration

    /// Calls in progress by caller channel id.
    var calls: [String: Call] = [:]
    /// Every other channel of a call in progress.
    var legs: [String: Leg] = [:]
    /// Channels of calls that ended recently, whose late events (the caller's loopback half hangs up last) are
    /// ignored; bounded, oldest forgotten first. Late events come within seconds; 16384 channels are minutes of
    /// a busy centre (a queue call has six or more).
    var ended = BoundedSet(capacity: 16_384)
    /// What is known of each mod_callcenter agent.
    var agents: [String: Agent] = [:]
    /// The order calls were first seen in, for ``callsMissing(from:)``.
    var nextOrder = 0
    var pendingWarnings: [String] = []

    /// At most this many calls are followed at once; past it the oldest is forgotten (with a warning), so that
    /// a PBX that never sends hang-ups cannot exhaust memory.
    public static let maximumCalls = 10_000

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Calls in progress (for the unit's `STATUS=`).
    public var callsInProgress: Int { calls.count }

    /// The ids of the calls in progress, in the order they were first seen.
    public var callIDs: [String] { calls.values.sorted { $0.order < $1.order }.map(\.id) }

    /// What the model ignored or guessed since the last call, for the log: an agent without a known extension,
    /// a caller number that is not a phone number. Bounded.
    public mutating func takeWarnings() -> [String] {
        defer { pendingWarnings.removeAll() }
        return pendingWarnings
    }

    /// Feeds one event; returns the PBX socket events it completes, in order. `receivedAt` stands in for the
    /// event's own time only when it lacks a readable `Event-Date-Timestamp`.
    public mutating func handle(_ event: ESLEvent, receivedAt: Date) -> [PBXEvent] {
        let context = EventContext(event: event, receivedAt: receivedAt)
        switch event.name {
        case "CHANNEL_CREATE": return channelCreated(context)
        case "CHANNEL_ANSWER": return channelAnswered(context)
        case "CHANNEL_BRIDGE": return channelBridged(context)
        case "CHANNEL_HANGUP_COMPLETE": return channelHungUp(context)
        case "CUSTOM" where event.subclass == "callcenter::info": return callcenterEvent(context)
        default: return []
        }
    }

    /// The calls followed whose caller channel is not among `upChannels` (the `uuid`s of `show channels`, see
    /// ``FreeSWITCHChannelList``), in the order they were first seen: after a reconnect, the calls that may have
    /// ended while the bridge was away. Only may: `show channels` reads FreeSWITCH's core database, which lags a
    /// new channel by up to about a second, so a young call can be missing from it too. ``FreeSWITCHSession`` asks
    /// `uuid_exists` for each and ends with ``endGone(_:at:)`` only those FreeSWITCH answers `false` for.
    public func callsMissing(from upChannels: Set<String>) -> [String] {
        callIDs.filter { !upChannels.contains($0) }
    }

    /// Ends, with cause `failed`, a call whose caller channel FreeSWITCH no longer has (`uuid_exists` answered
    /// `false`). A call never offered is offered first, so that the register has the whole call. Nothing for a
    /// call no longer followed (its hang-up came while `uuid_exists` was asked).
    public mutating func endGone(_ id: String, at: Date) -> [PBXEvent] {
        guard var call = calls[id] else { return [] }
        var output = offer(&call, at: at, force: true)
        output.append(event(call.id, "ended", at: at, .callEnded(call: call.id, cause: .failed)))
        forget(call)
        return output
    }

    /// Ends, with cause `failed`, every call missing from `upChannels` without asking `uuid_exists`: for a listing
    /// known to be complete (tests, the bridge model's ``FreeSWITCHBridgeModel/finishReconciliation(activeCallIDs:at:)``).
    public mutating func reconcile(upChannels: Set<String>, at: Date) -> [PBXEvent] {
        callsMissing(from: upChannels).flatMap { endGone($0, at: at) }
    }

    // MARK: - State

    /// A hotline call in progress.
    struct Call: Codable, Sendable {
        let id: String
        let order: Int
        /// The caller id as FreeSWITCH gave it; `nil` until an event of the call carried one.
        var rawNumber: String?
        var numberHidden = false
        var name: String?
        var dialled: String?
        var queue: String?
        var offered = false
        /// Joined a mod_callcenter queue: its answer comes from `bridge-agent-start` only.
        var joinedQueue = false
        /// `CC-Cause` of `member-queue-end` (`Terminated`, `Cancel`, `Timeout`, …), or `cc_cause` at hang-up.
        var queueCause: String?
        /// `CC-Member-UUID` of the latest queue session: a call sent back to a queue gets a new one, and the old
        /// session's `member-queue-end` may arrive after the new `member-queue-start`.
        var queueMember: String?
        /// Waiting in a queue for an agent: bridges of the caller then are mod_callcenter's, not transfers.
        var inQueue = false
        /// The extension holding the call, once answered.
        var agent: String?
        /// The leg that answered or was last bridged to the caller.
        var agentLeg: String?

        var isAnswered: Bool { agent != nil }
    }

    /// How a channel belongs to a call.
    enum LegRole: String, Codable, Sendable {
        /// The other half of the caller's loopback pair: the caller itself, seen twice.
        case callerHalf
        /// Originated by or bridged to the caller: a phone that may answer.
        case bLeg
        /// Reached through other legs (mod_callcenter's agent legs, loopback hops, a consultation call).
        case linked
    }

    struct Leg: Codable, Sendable {
        let call: String
        let role: LegRole
        /// The extension this leg reaches, from its channel name or destination.
        var reaches: String?
        /// Appeared after the call was answered: bridging the caller to it is a transfer.
        let appearedAfterAnswer: Bool
    }

    /// A mod_callcenter agent.
    struct Agent: Codable, Sendable {
        /// From `callcenter_config agent list`.
        var contactExtension: String?
        /// `nil` while unknown (the bridge has just started).
        var loggedIn: Bool?
    }

    /// The call a channel belongs to, itself or as a leg.
    func callID(of channel: String) -> String? {
        if calls[channel] != nil { return channel }
        return legs[channel]?.call
    }

    mutating func warn(_ message: String) {
        if pendingWarnings.count == 100 { pendingWarnings.removeFirst() }
        pendingWarnings.append(message)
    }

    /// Starts following a call.
    mutating func startCall(_ id: String) -> Call {
        if calls.count >= Self.maximumCalls, let oldest = calls.values.min(by: { $0.order < $1.order }) {
            warn("following \(Self.maximumCalls) calls: forgetting the oldest, \(oldest.id), without ending it")
            forget(oldest)
        }
        nextOrder += 1
        return Call(id: id, order: nextOrder)
    }

    /// Stops following a call and remembers its channels as ended.
    mutating func forget(_ call: Call) {
        calls[call.id] = nil
        ended.insert(call.id)
        for (channel, leg) in legs where leg.call == call.id {
            legs[channel] = nil
            ended.insert(channel)
        }
    }

    mutating func addLeg(_ channel: String, to call: Call, role: LegRole, reaches: String?) {
        guard channel != call.id, legs[channel] == nil, FreeSWITCHText.isIdentifier(channel, maximumLength: 128)
        else { return }
        legs[channel] = Leg(call: call.id, role: role, reaches: reaches, appearedAfterAnswer: call.isAnswered)
    }

    // MARK: - Events out

    /// An event with a derived id: `<system>-<subject>-<kind>[-<suffix>]`.
    func event(_ subject: String, _ kind: String, suffix: String? = nil, at: Date, _ body: PBXEvent.Kind) -> PBXEvent {
        var parts = [configuration.systemName, subject, kind]
        if let suffix { parts.append(suffix) }
        return PBXEvent(
            id: Self.derivedID(parts),
            at: at,
            utcOffsetSeconds: configuration.utcOffsetSeconds,
            kind: body
        )
    }

    /// Joins id parts with `-`, with anything the PBX socket refuses in an id replaced by `_`, and, past 128
    /// characters, shortened with a hash of the whole so that long ids stay unique and stable.
    static func derivedID(_ parts: [String]) -> String {
        var scalars = String.UnicodeScalarView()
        for (index, part) in parts.enumerated() {
            if index > 0 { scalars.append("-") }
            for scalar in part.unicodeScalars {
                let usable = !scalar.properties.isWhitespace && !FreeSWITCHText.isControl(scalar)
                scalars.append(usable ? scalar : "_")
            }
        }
        let id = String(scalars)
        guard scalars.count > 128 else { return id }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        let digest = String(repeating: "0", count: 16 - hex.count) + hex
        return String(String.UnicodeScalarView(scalars.prefix(110))) + "~" + digest
    }

    /// `offered`, once: with the caller's number (or the withheld one), name, dialled number and queue. Waits for
    /// the dialled number unless `force` (the call is ending, or answered from a rebuilt state).
    mutating func offer(_ call: inout Call, at: Date, force: Bool) -> [PBXEvent] {
        defer { calls[call.id] = call }
        guard !call.offered, call.dialled != nil || force else { return [] }
        call.offered = true
        let (number, withheld) = callerNumber(of: call)
        var name = call.name.flatMap { FreeSWITCHText.cleanName($0) }
        if let shown = name, Self.placeholderNames.contains(shown.lowercased()) || shown == call.rawNumber {
            name = nil
        }
        if withheld, let shown = name, Self.withheldMarkers.contains(shown.lowercased()) { name = nil }
        let dialled =
            call.dialled ?? call.queue.flatMap { FreeSWITCHText.isIdentifier($0, maximumLength: 64) ? $0 : nil }
        return [
            event(
                call.id,
                "offered",
                at: at,
                .callOffered(
                    call: call.id,
                    from: number,
                    fromName: name,
                    to: dialled ?? "unknown",
                    queue: call.queue.flatMap { FreeSWITCHText.cleanName($0) }
                )
            )
        ]
    }

    /// Caller ids that mean "no number".
    static let withheldMarkers: Set<String> = [
        "", "anonymous", "unknown", "private", "restricted", "withheld", "unavailable", "null", "0000000000",
    ]
    /// Names FreeSWITCH fills in when there is none.
    static let placeholderNames: Set<String> = ["outbound call", "unknown", "anonymous", "private", "unavailable"]

    /// The number to send, and whether it is the withheld one.
    mutating func callerNumber(of call: Call) -> (PhoneNumber, Bool) {
        guard let raw = call.rawNumber, !call.numberHidden,
            !Self.withheldMarkers.contains(raw.trimmingCharacters(in: .whitespaces).lowercased())
        else { return (configuration.withheldNumber, true) }
        do {
            return (try PhoneNumber(validating: raw), false)
        } catch {
            warn(
                "call \(call.id): caller id \(ESLFrameError.shown(raw)) is not a phone number (\(error)); sent as withheld"
            )
            return (configuration.withheldNumber, true)
        }
    }

    // MARK: - Reading events

    /// One event with the readings every handler needs.
    struct EventContext {
        let event: ESLEvent
        let at: Date

        /// `Event-Date-Timestamp` as FreeSWITCH wrote it, microseconds since 1970.
        private let timestamp: Int64?

        init(event: ESLEvent, receivedAt: Date) {
            self.event = event
            if let micros = event["Event-Date-Timestamp"].flatMap({ Int64($0) }), micros > 0,
                micros < 4_000_000_000_000_000
            {
                timestamp = micros
                at = Date(timeIntervalSince1970: Double(micros / 1_000_000) + Double(micros % 1_000_000) / 1e6)
            } else {
                timestamp = nil
                at = receivedAt
            }
        }

        subscript(name: String) -> String? {
            guard let value = event[name], !value.isEmpty else { return nil }
            return value
        }

        /// A channel id from a header, if it is one the PBX socket can carry.
        func channel(_ name: String) -> String? {
            guard let value = self[name], FreeSWITCHText.isIdentifier(value, maximumLength: 128) else { return nil }
            return value
        }

        /// What ends the id of an event that may happen more than once (transfers, agent sessions): the event time in
        /// microseconds.
        ///
        /// FreeSWITCH stamps events from a clock it updates coarsely: several status changes in a row can carry
        /// the same microsecond. `Event-Sequence`, which counts every event of one FreeSWITCH run, follows it
        /// when present (`1796025386983031-1024`), so that each event has its own id, and the same event always
        /// the same one.
        var stamp: String {
            let time = String(timestamp ?? Int64((at.timeIntervalSince1970 * 1e6).rounded()))
            guard let sequence = self["Event-Sequence"], sequence.utf8.count <= 20,
                sequence.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            else { return time }
            return time + "-" + sequence
        }

    }

    /// Fills what is still unknown about the caller, never overwriting: from the `CC-Member-CID-*` fields of a
    /// callcenter event about the call (`memberFields`), and from the `Caller-*` fields of an event about the
    /// caller's own channel. Other channels' caller ids are not the caller's: at hang-up the caller's loopback
    /// half reports the far end's.
    func fillCaller(_ call: inout Call, from context: EventContext, memberFields: Bool) {
        let ownChannel = context.event.uniqueID == call.id
        if call.rawNumber == nil {
            let member = memberFields ? context.event["CC-Member-CID-Number"] : nil
            call.rawNumber = member ?? (ownChannel ? context.event["Caller-Caller-ID-Number"] : nil)
            if call.rawNumber != nil, ownChannel { call.numberHidden = context["Caller-Privacy-Hide-Number"] == "true" }
        }
        if call.name == nil {
            call.name =
                (memberFields ? context["CC-Member-CID-Name"] : nil)
                ?? (ownChannel ? context["Caller-Caller-ID-Name"] : nil)
        }
        if call.dialled == nil, ownChannel {
            let dialled = context["variable_original_destination_number"] ?? context["Caller-Destination-Number"]
            if let dialled, FreeSWITCHText.isIdentifier(dialled, maximumLength: 64) { call.dialled = dialled }
        }
    }
}

/// A set that forgets its oldest members past `capacity`.
struct BoundedSet: Codable, Sendable {
    let capacity: Int
    private var members: Set<String> = []
    private var order: [String] = []
    private var head = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    func contains(_ member: String) -> Bool { members.contains(member) }

    mutating func insert(_ member: String) {
        guard members.insert(member).inserted else { return }
        order.append(member)
        if members.count > capacity {
            members.remove(order[head])
            head += 1
            if head * 2 >= order.count {
                order.removeFirst(head)
                head = 0
            }
        }
    }
}
