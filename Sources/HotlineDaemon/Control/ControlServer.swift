import Foundation
import HotlineProtocol
import HotlineStore
import HotlineSystem
import Logging

/// Serves the control socket: one JSON request per line, one JSON answer per line (SPEC §6).
///
/// Each connection has its own thread, because every request ends in a blocking libpq call; the number of
/// connections is bounded and an idle connection times out, so no client can starve the others.
public final class ControlServer: Sendable {
    private let acceptor: ConnectionAcceptor
    private let handler: ControlHandler
    private let logger: Logger
    /// Where `watch` listens for `NOTIFY hotline_events`.
    private let eventsConninfo: String
    static let maximumConnections = 64
    static let maximumRequestBytes = 1 << 20
    static let idleTimeoutSeconds = 300

    public init(listener: UnixSocket, handler: ControlHandler, eventsConninfo: String, logger: Logger) {
        self.eventsConninfo = eventsConninfo
        self.handler = handler
        self.logger = logger
        acceptor = ConnectionAcceptor(
            listener: listener,
            name: "control",
            maximumConnections: ControlServer.maximumConnections
        ) { logger.error("control socket accept failed", metadata: ["error": "\($0)"]) }
    }

    /// Starts accepting on a background thread.
    public func start() {
        let error = ControlError(
            code: .unavailable,
            message: "too many control connections (\(ControlServer.maximumConnections)); try again"
        )
        acceptor.start(
            serve: { [self] in serve($0) },
            refuse: { try? $0.write(ControlResponse.failure(error).encodedLine()) }
        )
    }

    /// Stops accepting new connections; requests in flight finish.
    public func stop() {
        acceptor.stopAccepting()
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
                case .success(let request) where request.command == ControlCommand.watch(mine: false).name:
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

    /// `hotlinectl watch`: after one answer line, every warning and breach as a JSON line, or with `--mine` every
    /// notice of the caller's as it is written (SPEC §10), until the client goes away. Fed by LISTEN on its own
    /// connection, so it sees what any daemon on the database writes.
    private func watch(_ request: ControlRequest, peer: PeerCredentials, on connection: UnixSocket) {
        let reader: NoticeReader?
        do {
            let caller = try handler.identify(request, peer: peer)
            guard case .watch(let mine) = try request.decodedCommand() else { return }
            reader = mine ? try handler.noticeReader(caller, for: "watch --mine", language: request.language) : nil
        } catch let error as ControlError {
            try? connection.write(ControlResponse.failure(error).encodedLine())
            return
        } catch {
            try? connection.write(
                ControlResponse.failure(ControlError(code: .unavailable, message: "\(error)")).encodedLine()
            )
            return
        }
        let channel = reader == nil ? "hotline_events" : NoticeStore.channel
        let database: PGConnection
        do {
            database = try PGConnection(conninfo: eventsConninfo)
            try database.listen(channel)
        } catch {
            let failure = ControlError(code: .unavailable, message: "cannot listen for events: \(error)")
            try? connection.write(ControlResponse.failure(failure).encodedLine())
            return
        }
        defer { database.close() }
        do {
            try connection.write(ControlResponse.success(.object([("watching", .string(channel))])).encodedLine())
            while !connection.isClosedByPeer() {
                for notification in try database.waitForNotifications(timeout: .milliseconds(500)) {
                    let lines: [String]
                    if let reader {
                        // A notification carries the ids of new notices; the watcher sees those that are theirs.
                        let ids = notification.payload.split(separator: ",").compactMap { Int64($0) }
                        guard !ids.isEmpty else { continue }
                        let notices = try NoticeQueries.inbox(
                            for: reader,
                            includeRead: true,
                            ids: ids,
                            limit: ids.count,
                            on: database
                        )
                        lines = notices.reversed().map {
                            handler.inboxView($0, language: request.language).json.serialized()
                        }
                    } else {
                        // A notification carries an array of events; watchers get one line per event.
                        guard case .array(let events)? = try? JSONValue.parse(Array(notification.payload.utf8)) else {
                            continue
                        }
                        lines = events.map { $0.serialized() }
                    }
                    try connection.write(Array(lines.map { $0 + "\n" }.joined().utf8))
                }
            }
        } catch {
            return
        }
    }
}
