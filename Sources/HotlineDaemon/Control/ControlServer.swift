import Foundation
import HotlineProtocol
import HotlineStore
import HotlineSystem
import Logging
import Synchronization

/// Serves the control socket: one JSON request per line, one JSON answer per line (SPEC §6).
///
/// Each connection has its own thread, because every request ends in a blocking libpq call; the number of
/// connections is bounded and an idle connection times out, so no client can starve the others.
public final class ControlServer: Sendable {
    private let listener: UnixSocket
    private let handler: ControlHandler
    private let logger: Logger
    private let connections = Atomic<Int>(0)
    /// Where `watch` listens for `NOTIFY hotline_events`.
    private let eventsConninfo: String
    private let stopped = Atomic<Bool>(false)
    static let maximumConnections = 64
    static let maximumRequestBytes = 1 << 20
    static let idleTimeoutSeconds = 300

    public init(listener: UnixSocket, handler: ControlHandler, eventsConninfo: String, logger: Logger) {
        self.listener = listener
        self.eventsConninfo = eventsConninfo
        self.handler = handler
        self.logger = logger
    }

    /// Starts accepting on a background thread.
    public func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "hotline-control-accept"
        thread.start()
    }

    /// Stops accepting new connections; requests in flight finish.
    public func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        listener.shutdown()
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let connection: UnixSocket
            do {
                guard let accepted = try listener.accept() else { break }
                connection = accepted
            } catch {
                if stopped.load(ordering: .sequentiallyConsistent) { break }
                logger.error("control socket accept failed", metadata: ["error": "\(error)"])
                Thread.sleep(forTimeInterval: 0.1)
                continue
            }
            let open = connections.add(1, ordering: .sequentiallyConsistent).newValue
            if open > ControlServer.maximumConnections {
                let error = ControlError(
                    code: .unavailable,
                    message: "too many control connections (\(ControlServer.maximumConnections)); try again"
                )
                try? connection.write(ControlResponse.failure(error).encodedLine())
                connection.close()
                connections.subtract(1, ordering: .sequentiallyConsistent)
                continue
            }
            let thread = Thread { [self] in
                serve(connection)
                connection.close()
                connections.subtract(1, ordering: .sequentiallyConsistent)
            }
            thread.name = "hotline-control"
            thread.start()
        }
        listener.close()
    }

    private func serve(_ connection: UnixSocket) {
        let peer: PeerCredentials
        do {
            try connection.setReceiveTimeout(seconds: ControlServer.idleTimeoutSeconds)
            peer = try connection.peerCredentials()
        } catch {
            logger.warning("control connection without credentials", metadata: ["error": "\(error)"])
            return
        }
        var buffer: [UInt8] = []
        while true {
            let chunk: [UInt8]
            do {
                chunk = try connection.read()
            } catch {
                return  // timeout or reset: the client is gone
            }
            if chunk.isEmpty { return }
            buffer += chunk
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[..<newline]
                // Each line is decoded once; `watch` turns the connection into an event stream.
                let response: ControlResponse
                switch Result(catching: { try ControlRequest.decode(line: line) }) {
                case .success(let request) where request.command == ControlCommand.watch.name:
                    watch(request, peer: peer, on: connection)
                    return
                case .success(let request):
                    response = handler.handle(request, peer: peer)
                case .failure(let error as ControlError):
                    response = .failure(error)
                case .failure(let error):
                    response = .failure(ControlError(code: .invalid, message: "\(error)"))
                }
                buffer.removeSubrange(...newline)
                do {
                    try connection.write(response.encodedLine())
                } catch {
                    return
                }
            }
            if buffer.count > ControlServer.maximumRequestBytes {
                let error = ControlError(code: .invalid, message: "control request longer than 1 MiB")
                try? connection.write(ControlResponse.failure(error).encodedLine())
                return
            }
        }
    }

    /// `hotlinectl watch`: after one answer line, every warning and breach as a JSON line, until the client
    /// goes away. Fed by LISTEN on its own connection, so it sees what any daemon on the database fires.
    private func watch(_ request: ControlRequest, peer: PeerCredentials, on connection: UnixSocket) {
        do {
            _ = try handler.identify(request, peer: peer)
        } catch let error as ControlError {
            try? connection.write(ControlResponse.failure(error).encodedLine())
            return
        } catch {
            try? connection.write(
                ControlResponse.failure(ControlError(code: .unavailable, message: "\(error)")).encodedLine()
            )
            return
        }
        let database: PGConnection
        do {
            database = try PGConnection(conninfo: eventsConninfo)
            try database.listen("hotline_events")
        } catch {
            let failure = ControlError(code: .unavailable, message: "cannot listen for events: \(error)")
            try? connection.write(ControlResponse.failure(failure).encodedLine())
            return
        }
        defer { database.close() }
        do {
            try connection.write(
                ControlResponse.success(.object([("watching", .string("hotline_events"))])).encodedLine()
            )
            while !connection.isClosedByPeer() {
                for notification in try database.waitForNotifications(timeout: .milliseconds(500)) {
                    // A notification carries an array of events; watchers get one line per event.
                    guard case .array(let events)? = try? JSONValue.parse(Array(notification.payload.utf8)) else {
                        continue
                    }
                    try connection.write(Array(events.map { $0.serialized() + "\n" }.joined().utf8))
                }
            }
        } catch {
            return
        }
    }
}
