import Foundation
import HotlinePBXBridge
import HotlineSystem
import Logging

/// `hotline-pbx-bridge freeswitch`: the event-socket conversation of ``FreeSWITCHSession``, on ``BridgeRuntime``.
/// The session (in ``FreeSWITCHBridgeModel``) is the bridge core's model, so that what it knows of calls and agents is
/// saved after every read and survives a restart of the bridge.
struct FreeSWITCHConversation: PBXConversation {
    let settings: BridgeSettings
    let logger: Logger

    /// FreeSWITCH sends a HEARTBEAT event every 20 s to those who ask for it; the bridge asks only once the socket
    /// has been quiet this long, so that a busy PBX costs nothing extra.
    private static let idleSeconds = 30

    var name: String { "FreeSWITCH event socket" }

    func converse(over connection: UnixSocket, core: BridgeCore<FreeSWITCHBridgeModel>, connected: () -> Void) throws {
        try connection.setReceiveTimeout(seconds: Self.idleSeconds)
        core.apply { bridged in
            bridged.session.reconnected()
            return []
        }
        var parser = ESLFrameParser()
        var idle = IdleWatch()
        var subscribed = false
        var batch = CommitBatch()
        while true {
            let bytes = try idle.read(from: connection) {
                // Before the subscription a command's reply would be taken for the answer to `auth` or `event`.
                guard subscribed else { return false }
                // Answered `+OK event listener enabled plain` (which the session lets pass) and then with
                // heartbeats, which the call model ignores.
                try connection.write(try ESLCommand.subscribe("HEARTBEAT"))
                return true
            }
            parser.append(bytes)
            while let result = parser.next() {
                var actions: [FreeSWITCHSession.Action] = []
                var ready = false
                core.apply { bridged in
                    actions = bridged.session.receive(result, now: Date())
                    ready = bridged.session.state == .ready
                    return actions.compactMap { action in
                        if case .emit(let event) = action { return event }
                        return nil
                    }
                }
                for action in actions {
                    switch action {
                    case .send(let bytes):
                        // Never logged: `auth` carries the password.
                        try connection.write(bytes)
                    case .emit:
                        break  // Already in the outbox.
                    case .log(let line):
                        logger.warning("FreeSWITCH: \(line)")
                    case .disconnect(let error):
                        throw error
                    }
                }
                if ready && !subscribed {
                    subscribed = true
                    logger.info("subscribed to FreeSWITCH events at \(settings.host):\(settings.port)")
                    connected()
                }
            }
            // The events of every frame read so far, made durable together once the socket has nothing more
            // waiting or a batch is large (the runtime commits as well when the connection ends mid-batch).
            batch.read(bytes.count)
            if batch.isComplete(connection) { core.commit() }
        }
    }
}
