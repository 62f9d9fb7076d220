import Foundation
import HotlineProtocol

/// One event-socket connection's conversation with FreeSWITCH, as a pure state machine over a
/// ``FreeSWITCHCallModel``: the bridge's socket loop feeds it what ``ESLFrameParser`` yields and carries out the
/// actions it returns (write bytes, send events to hotlined, log), in order.
///
/// The conversation: FreeSWITCH asks for `auth` → `auth <password>`; `+OK accepted` → `event plain` with
/// ``ESLCommand/hotlineEvents``; `+OK event listener enabled plain` → `api callcenter_config agent list` and
/// `api show channels`, whose replies go to ``FreeSWITCHCallModel/learnAgents(_:)`` and
/// ``FreeSWITCHCallModel/callsMissing(from:)``; for each call missing from the listing, `api uuid_exists <uuid>`,
/// and a `false` ends the call (``FreeSWITCHCallModel/endGone(_:at:)``). FreeSWITCH answers `api` commands in the
/// order they were sent, between events, so replies are matched to requests first in, first out. Events go to
/// ``FreeSWITCHCallModel/handle(_:receivedAt:)`` whatever the state.
///
/// After a reconnect, call ``reconnected()`` on the same session: the model (calls, agents) is kept, the
/// conversation starts over, and the calls that ended while away are ended. `show channels` alone cannot say
/// which: it reads FreeSWITCH's core database, which lags a new channel by up to about a second, so a call that
/// started just before the reconnect may be missing from it; `uuid_exists` asks the switch's own channel table.
public struct FreeSWITCHSession: Sendable {
    /// What the socket loop must do.
    public enum Action: Sendable, Equatable {
        /// Write these bytes to the event socket.
        case send([UInt8])
        /// Send this event to hotlined.
        case emit(PBXEvent)
        /// Log this line (a skipped frame, a model warning, an unusable `api` reply).
        case log(String)
        /// Close the connection and reconnect later (with backoff): FreeSWITCH refused or closed.
        case disconnect(FreeSWITCHSessionError)
    }

    /// Where the conversation stands.
    public enum State: Sendable, Equatable {
        /// Connected, waiting for `auth/request`.
        case awaitingAuthRequest
        /// `auth` sent.
        case authenticating
        /// `event plain …` sent.
        case subscribing
        /// Subscribed; events flow.
        case ready
        /// Refused or told to go; waiting for ``reconnected()``.
        case closed
    }

    /// An `api` command whose reply is still to come.
    private enum PendingAPI: Sendable {
        case agentList
        case channels
        /// `uuid_exists` for the caller channel of a call `show channels` did not list.
        case channelExists(String)
    }

    public internal(set) var model: FreeSWITCHCallModel
    public private(set) var state: State = .awaitingAuthRequest
    private let password: String
    private var pending: [PendingAPI] = []

    /// - Parameter password: the event socket's password, from the password file (never the command line).
    public init(password: String, model: FreeSWITCHCallModel) {
        self.password = password
        self.model = model
    }

    /// Starts the conversation over on a new connection, keeping what the model knows.
    public mutating func reconnected() {
        state = .awaitingAuthRequest
        pending = []
    }

    /// Handles one result of ``ESLFrameParser/next()``; `now` stands for the time of things without one of
    /// their own (a reconciliation, an event without `Event-Date-Timestamp`).
    public mutating func receive(_ result: Result<ESLMessage, ESLFrameError>, now: Date) -> [Action] {
        var actions: [Action]
        switch result {
        case .failure(let error):
            actions = [.log("skipped a frame from FreeSWITCH: \(error)")]
        case .success(let message):
            actions = handle(message, now: now)
        }
        actions += model.takeWarnings().map { .log($0) }
        return actions
    }

    private mutating func handle(_ message: ESLMessage, now: Date) -> [Action] {
        switch message {
        case .authRequest:
            guard state == .awaitingAuthRequest else { return [.log("FreeSWITCH asked for auth again; ignored")] }
            do {
                let command = try ESLCommand.auth(password: password)
                state = .authenticating
                return [.send(command)]
            } catch {
                state = .closed
                return [.disconnect(.unusablePassword(error.description))]
            }
        case .commandReply(let reply):
            return commandReplied(reply)
        case .apiResponse(let body):
            return apiReplied(body, now: now)
        case .event(let event):
            return model.handle(event, receivedAt: now).map { .emit($0) }
        case .disconnectNotice(let text):
            state = .closed
            return [.disconnect(.closedByFreeSWITCH(text.trimmingCharacters(in: .whitespacesAndNewlines)))]
        case .other(let frame):
            return [.log("ignored an event-socket frame of type \(frame.contentType ?? "?")")]
        }
    }

    private mutating func commandReplied(_ reply: ESLReply) -> [Action] {
        switch state {
        case .authenticating:
            guard reply.isOK else {
                state = .closed
                return [.disconnect(.authenticationRefused(reply.text))]
            }
            state = .subscribing
            return send(try? ESLCommand.subscribe())
        case .subscribing:
            guard reply.isOK else {
                state = .closed
                return [.disconnect(.subscriptionRefused(reply.text))]
            }
            state = .ready
            pending = [.agentList, .channels]
            return send(try? ESLCommand.api("callcenter_config agent list"))
                + send(try? ESLCommand.api("show channels"))
        case .awaitingAuthRequest, .ready, .closed:
            return reply.isOK ? [] : [.log("FreeSWITCH replied \(ESLFrameError.shown(reply.text))")]
        }
    }

    private func send(_ bytes: [UInt8]?) -> [Action] {
        bytes.map { [.send($0)] } ?? []
    }

    private mutating func apiReplied(_ body: String, now: Date) -> [Action] {
        guard !pending.isEmpty else { return [.log("an api reply nobody asked for; ignored")] }
        switch pending.removeFirst() {
        case .agentList:
            do {
                return model.learnAgents(try FreeSWITCHAgentList.parse(body)).map { .emit($0) }
            } catch {
                return [.log("agent list not read: \(error); agents named after extensions still work")]
            }
        case .channels:
            do {
                let channels = try FreeSWITCHChannelList.parse(body)
                // Each missing call is asked about; the replies come in this order, after anything asked before.
                var actions: [Action] = []
                for call in model.callsMissing(from: channels.uuids) {
                    guard let command = try? ESLCommand.api("uuid_exists \(call)") else { continue }
                    pending.append(.channelExists(call))
                    actions.append(.send(command))
                }
                return actions
            } catch {
                return [.log("calls not reconciled: \(error)")]
            }
        case .channelExists(let call):
            switch FreeSWITCHChannelList.exists(reply: body) {
            case true?:
                // Up, only not yet listed: a young call.
                return [.log("call \(call) is up though show channels does not list it yet; kept")]
            case false?:
                let events = model.endGone(call, at: now)
                // Said in the log as well: the register shows the call ended, not that the bridge ended it.
                let gone: [Action] = events.isEmpty ? [] : [.log("call \(call) is gone from the PBX: ended failed")]
                return events.map { .emit($0) } + gone
            case nil:
                return [.log("uuid_exists \(call) answered \(ESLFrameError.shown(body)); the call is kept")]
            }
        }
    }
}

/// Why a session asks to disconnect.
public enum FreeSWITCHSessionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `auth` was answered `-ERR …`: the password file is wrong.
    case authenticationRefused(String)
    /// `event plain …` was answered `-ERR …`.
    case subscriptionRefused(String)
    /// The password cannot be sent (it contains a line break).
    case unusablePassword(String)
    /// FreeSWITCH sent `text/disconnect-notice`.
    case closedByFreeSWITCH(String)

    public var description: String {
        switch self {
        case .authenticationRefused(let reply):
            return
                "FreeSWITCH refused the event-socket password (\(ESLFrameError.shown(reply))); check the password file"
        case .subscriptionRefused(let reply):
            return "FreeSWITCH refused the event subscription: \(ESLFrameError.shown(reply))"
        case .unusablePassword(let reason):
            return "the event-socket password cannot be sent: \(reason)"
        case .closedByFreeSWITCH(let text):
            return "FreeSWITCH closed the event socket: \(ESLFrameError.shown(text))"
        }
    }
}
