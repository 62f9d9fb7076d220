import Foundation
import HotlineProtocol

/// The PBXs a bridge speaks to; each has a call model turning its frames into SPEC section 5 events.
public enum PBXKind: String, Sendable, CaseIterable {
    /// Asterisk's manager interface (AMI): ``AsteriskCallModel``.
    case asterisk
    /// FreeSWITCH's event socket (ESL); its model is built in `ESL/`.
    case freeswitch
}

/// What the bridge program needs of a PBX's call model, so that one program drives either PBX: frames in, events
/// out, a reconciliation after a reconnect, and a state that survives a restart of the bridge.
public protocol PBXCallModel: Sendable {
    /// One parsed message of the PBX's protocol.
    associatedtype Frame: Sendable
    /// What is saved between runs (calls in progress, agent sessions).
    associatedtype State: Codable, Sendable

    var state: State { get set }

    /// The events one frame makes, received at `at` (the PBX's own time when the frame carries one).
    mutating func handle(_ frame: Frame, at: Date) -> [PBXEvent]

    /// Called when the PBX connection is up again, before the list of live calls is asked for: remembers which
    /// calls were known, so that calls starting meanwhile are not taken for gone ones.
    mutating func beginReconciliation()

    /// Ends, with cause `failed`, the calls known at ``beginReconciliation()`` that are not among `activeCallIDs`.
    mutating func finishReconciliation(activeCallIDs: Set<String>, at: Date) -> [PBXEvent]

    /// Hotline calls offered and not ended (for the unit's status line).
    var callsInProgress: Int { get }
}
