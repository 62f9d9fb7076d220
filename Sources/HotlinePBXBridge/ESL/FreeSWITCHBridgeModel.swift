import Foundation
import HotlineProtocol

extension FreeSWITCHCallModel {
    /// What the bridge saves in its state directory between runs: the calls in progress with their legs, the
    /// channels of recently ended calls and what is known of the agents. The configuration is not saved: it comes
    /// from the config file at each start.
    public struct State: Codable, Sendable {
        var calls: [String: Call]
        var legs: [String: Leg]
        var ended: BoundedSet
        var agents: [String: Agent]
        var nextOrder: Int
    }

    public var state: State {
        get { State(calls: calls, legs: legs, ended: ended, agents: agents, nextOrder: nextOrder) }
        set {
            calls = newValue.calls
            legs = newValue.legs
            ended = newValue.ended
            agents = newValue.agents
            nextOrder = newValue.nextOrder
        }
    }
}

/// What the bridge program drives for FreeSWITCH: the session, not the bare model, since the session owns the model
/// and answers the event-socket conversation around it. Only the model's state is saved; the conversation starts
/// over on every connection (``FreeSWITCHSession/reconnected()``).
///
/// The reconciliation of ``PBXCallModel`` is the session's own: it asks `show channels` once subscribed and hands
/// the reply to the model, so ``beginReconciliation()`` has nothing to remember.
public struct FreeSWITCHBridgeModel: PBXCallModel {
    public var session: FreeSWITCHSession

    public init(session: FreeSWITCHSession) {
        self.session = session
    }

    public var state: FreeSWITCHCallModel.State {
        get { session.model.state }
        set { session.model.state = newValue }
    }

    public mutating func handle(_ frame: ESLEvent, at: Date) -> [PBXEvent] {
        session.model.handle(frame, receivedAt: at)
    }

    public mutating func beginReconciliation() {}

    public mutating func finishReconciliation(activeCallIDs: Set<String>, at: Date) -> [PBXEvent] {
        session.model.reconcile(upChannels: activeCallIDs, at: at)
    }

    public var callsInProgress: Int { session.model.callsInProgress }
}
