import Foundation
import HotlineDaemon
import HotlinePBXBridge
import HotlineSystem
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// `hotline-pbx-bridge asterisk`: the AMI connection, the call model and the sender to hotlined, run together.
final class AsteriskBridge: Sendable {
    private let settings: BridgeSettings
    private let secret: String
    private let core: BridgeCore<AsteriskCallModel>
    private let logger: Logger

    /// How long the manager may stay silent before the bridge pings it, and pings unanswered before reconnecting.
    private static let idleSeconds = 20
    private static let unansweredPings = 2

    init(settings: BridgeSettings, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        secret = try BridgeConfigurationLoader.secret(from: settings.secretFile)
        let agentMap = try BridgeConfigurationLoader.agentMap(from: settings.agentMapFile)
        // China keeps one offset all year; the offset at start-up is the one events are written in.
        let policy = settings.callPolicy(agentMap: agentMap, utcOffsetSeconds: TimeZone.current.secondsFromGMT())
        core = try BridgeCore(
            model: AsteriskCallModel(policy: policy),
            stateDirectory: settings.stateDirectory,
            logger: logger
        )
    }

    func run() -> Never {
        logger.info(
            "bridging Asterisk at \(settings.host):\(settings.port) (user \(settings.user ?? ""), \(settings.login.rawValue) login) to \(settings.pbxSocket)"
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
                try session(backoff: &backoff)
            } catch {
                logger.warning("AMI \(settings.host):\(settings.port): \(error); reconnecting in \(backoff.current) s")
            }
            core.setPBXConnected(false)
            backoff.wait()
        }
    }

    /// One manager connection, from connect to its end (always by an error: the PBX closed, a read failed).
    private func session(backoff: inout Backoff) throws {
        let connection = try TCPSocket.connect(host: settings.host, port: settings.port)
        defer { connection.close() }
        try connection.setReceiveTimeout(seconds: Self.idleSeconds)
        var session = AMISession(user: settings.user ?? "", secret: secret, method: settings.login)
        var parser = AMIFrameParser()
        var silentRounds = 0
        while true {
            let bytes: [UInt8]
            do {
                bytes = try connection.read()
            } catch let error as SystemCallError where error.errno == EAGAIN || error.errno == EWOULDBLOCK {
                silentRounds += 1
                guard silentRounds <= Self.unansweredPings else { throw AMIConnectionError.silent }
                // Only a logged-in session may ping; before that, silence means a manager that does not talk.
                guard session.isReady else { throw AMIConnectionError.silent }
                try connection.write(AMIFrame(["Action": "Ping", "ActionID": "hotline-ping"]).encoded())
                continue
            }
            guard !bytes.isEmpty else { throw AMIConnectionError.closed }
            silentRounds = 0
            parser.append(bytes)
            while let item = parser.next() {
                for step in session.receive(item) {
                    try perform(step, connection: connection, backoff: &backoff)
                }
            }
        }
    }

    private func perform(_ step: AMISession.Step, connection: UnixSocket, backoff: inout Backoff) throws {
        switch step {
        case .send(let action):
            // Never logged: the plain login carries the secret.
            try connection.write(action.encoded())
        case .loggedIn:
            logger.info("logged in to AMI at \(settings.host):\(settings.port)")
            backoff.reset()
            core.setPBXConnected(true)
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

/// Why a manager connection ended.
enum AMIConnectionError: Error, CustomStringConvertible {
    case closed
    case silent

    var description: String {
        switch self {
        case .closed: return "the manager closed the connection"
        case .silent: return "the manager stopped answering"
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
