import Foundation
import HotlineDaemon
import HotlinePBXBridge
import HotlineSystem
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// What differs from one PBX to another once a TCP connection to it is open: its protocol's conversation. The
/// rest of the bridge — reconnecting with backoff, the outbox and the sender to hotlined, systemd's READY=1,
/// watchdog and STATUS= — is ``BridgeRuntime``'s, the same for every PBX.
protocol PBXConversation: Sendable {
    associatedtype Model: PBXCallModel

    /// The PBX and its protocol for log lines, e.g. "Asterisk AMI".
    var name: String { get }

    /// Runs one connection from its start to its end, which is always an error (the PBX closed, a read failed, a
    /// login was refused). Calls `connected()` once the PBX accepted the login, so that the runtime resets the
    /// backoff and reports the PBX connected.
    func converse(over connection: UnixSocket, core: BridgeCore<Model>, connected: () -> Void) throws
}

/// One bridge process: a PBX connection kept up with backoff, the hotlined sender and the systemd status
/// reporter, around one ``BridgeCore``.
struct BridgeRuntime<Conversation: PBXConversation>: Sendable {
    let settings: BridgeSettings
    let conversation: Conversation
    let core: BridgeCore<Conversation.Model>
    let logger: Logger

    func run() -> Never {
        logger.info(
            "bridging \(conversation.name) at \(settings.host):\(settings.port) to \(settings.pbxSocket)"
        )
        // Ready once the saved state is loaded: from here the bridge keeps every event until hotlined has it. The
        // watchdog pings start after READY=1, as systemd expects them.
        Systemd.ready(status: core.status)
        let sender = HotlinedSender(core: core, socketPath: settings.pbxSocket, logger: logger)
        Thread.detachNewThread { sender.run() }
        let core = core
        Thread.detachNewThread { StatusReporter(core: core).run() }
        var backoff = Backoff()
        while true {
            do {
                let connection = try TCPSocket.connect(host: settings.host, port: settings.port)
                defer { connection.close() }
                try conversation.converse(over: connection, core: core) {
                    backoff.reset()
                    core.setPBXConnected(true)
                }
            } catch {
                logger.warning(
                    "\(conversation.name) at \(settings.host):\(settings.port): \(error); reconnecting in \(backoff.current) s"
                )
            }
            // What the frames read before the end made: committed here when the conversation ended mid-read.
            core.commit()
            core.setPBXConnected(false)
            backoff.wait()
        }
    }
}

/// Reads a PBX connection whose receive timeout is set, and notices a PBX that went quiet: after each silent
/// timeout it pings (when the conversation allows it), and after ``unansweredPings`` silent rounds in a row it
/// gives up, so that the runtime reconnects.
struct IdleWatch {
    static let unansweredPings = 2
    private var silentRounds = 0

    /// The next bytes read; `ping` writes a ping and returns true, or returns false when the conversation cannot
    /// ping yet (not logged in: silence then means a PBX that does not talk).
    mutating func read(from connection: UnixSocket, ping: () throws -> Bool) throws -> [UInt8] {
        while true {
            do {
                let bytes = try connection.read()
                guard !bytes.isEmpty else { throw PBXConnectionError.closed }
                silentRounds = 0
                return bytes
            } catch let error as SystemCallError where error.errno == EAGAIN || error.errno == EWOULDBLOCK {
                silentRounds += 1
                guard silentRounds <= Self.unansweredPings, try ping() else { throw PBXConnectionError.silent }
            }
        }
    }
}

/// When a PBX conversation commits (``BridgeCore/commit()``): once the socket has nothing more waiting, or after
/// ``limit`` bytes. A quiet PBX's frame is committed as soon as it is read; a busy one's are committed many reads
/// together, so the fdatasync and the state file are paid per batch, not per read.
struct CommitBatch {
    static let limit = 1 << 20
    private var bytes = 0

    mutating func read(_ count: Int) {
        bytes += count
    }

    /// Whether to commit now; starts the next batch when it says yes.
    mutating func isComplete(_ connection: UnixSocket) -> Bool {
        guard bytes >= Self.limit || !connection.hasInputReady() else { return false }
        bytes = 0
        return true
    }
}

/// Why a PBX connection ended without an error of its protocol.
enum PBXConnectionError: Error, CustomStringConvertible {
    case closed
    case silent

    var description: String {
        switch self {
        case .closed: return "the PBX closed the connection"
        case .silent: return "the PBX stopped answering"
        }
    }
}

/// Pings systemd's watchdog and refreshes `STATUS=` (PBX connected, calls in progress, events sent, unacknowledged).
struct StatusReporter<Model: PBXCallModel>: Sendable {
    let core: BridgeCore<Model>

    func run() {
        let interval = Systemd.watchdogInterval.map { Double($0.components.seconds) / 2 } ?? 5
        while true {
            Systemd.notify("WATCHDOG=1\nSTATUS=\(core.status)")
            Thread.sleep(forTimeInterval: max(1, min(interval, 5)))
        }
    }
}
