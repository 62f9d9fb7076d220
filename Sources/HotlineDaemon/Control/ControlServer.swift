import Foundation
import HotlineProtocol
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
    private let stopped = Atomic<Bool>(false)
    static let maximumConnections = 64
    static let maximumRequestBytes = 1 << 20
    static let idleTimeoutSeconds = 300

    public init(listener: UnixSocket, handler: ControlHandler, logger: Logger) {
        self.listener = listener
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
                let response = respond(to: line, peer: peer)
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

    private func respond(to line: ArraySlice<UInt8>, peer: PeerCredentials) -> ControlResponse {
        do {
            let request = try ControlRequest.decode(line: line)
            return handler.handle(request, peer: peer)
        } catch {
            return .failure(error)
        }
    }
}
