import Foundation
import HotlinePBXBridge
import HotlineSystem
import Logging

/// `hotline-pbx-bridge asterisk`: the manager-interface (AMI) conversation, on ``BridgeRuntime``.
struct AsteriskConversation: PBXConversation {
    let settings: BridgeSettings
    let secret: String
    let logger: Logger

    /// How long the manager may stay silent before the bridge pings it.
    private static let idleSeconds = 20

    var name: String { "Asterisk AMI (user \(settings.user ?? ""), \(settings.login.rawValue) login)" }

    func converse(over connection: UnixSocket, core: BridgeCore<AsteriskCallModel>, connected: () -> Void) throws {
        try connection.setReceiveTimeout(seconds: Self.idleSeconds)
        var session = AMISession(user: settings.user ?? "", secret: secret, method: settings.login)
        var parser = AMIFrameParser()
        var idle = IdleWatch()
        var batch = CommitBatch()
        while true {
            let bytes = try idle.read(from: connection) {
                // Only a logged-in session may ping; before that, silence means a manager that does not talk.
                guard session.isReady else { return false }
                try connection.write(AMIFrame(["Action": "Ping", "ActionID": "hotline-ping"]).encoded())
                return true
            }
            parser.append(bytes)
            while let item = parser.next() {
                for step in session.receive(item) {
                    try perform(step, connection: connection, core: core, connected: connected)
                }
            }
            // The events of every frame read so far, made durable together once the socket has nothing more
            // waiting or a batch is large (the runtime commits as well when the connection ends mid-batch).
            batch.read(bytes.count)
            if batch.isComplete(connection) { core.commit() }
        }
    }

    private func perform(
        _ step: AMISession.Step,
        connection: UnixSocket,
        core: BridgeCore<AsteriskCallModel>,
        connected: () -> Void
    ) throws {
        switch step {
        case .send(let action):
            // Never logged: the plain login carries the secret.
            try connection.write(action.encoded())
        case .loggedIn:
            logger.info("logged in to AMI at \(settings.host):\(settings.port)")
            connected()
            core.beginReconciliation()
        case .event(let frame):
            core.handle(frame, at: Date())
        case .channelsUp(let linkedIDs):
            core.finishReconciliation(activeCallIDs: linkedIDs, at: Date())
        case .queueMembers(let members):
            let now = Date()
            core.apply { model in model.reconcileAgents(queueMembers: members, at: now) }
        case .failed(let error):
            throw error
        case .skipped(let reason):
            logger.warning("AMI: \(reason)")
        }
    }
}
