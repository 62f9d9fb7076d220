/// The manager connection's conversation before and around the events, as a pure state machine: greet, log in
/// (plainly or with the MD5 challenge), subscribe to `call,agent` events, then ask `CoreShowChannels` for the
/// channels that are up so the bridge can end the calls it knew that are gone, and `QueueStatus` for the queue
/// members, so it can open and close the agent sessions that changed while it was away.
///
/// The socket code feeds it every parsed item and carries out the steps it answers; events are passed through.
public struct AMISession: Sendable {
    /// How to prove the secret.
    public enum LoginMethod: String, Sendable, CaseIterable {
        /// `Action: Login` with `Secret:`; the secret crosses the wire (use it on a loopback or a VPN).
        case plain
        /// `Action: Challenge`, then `Login` with `Key: md5(challenge + secret)`; the secret never crosses the wire.
        case md5
    }

    /// What the caller does next.
    public enum Step: Sendable, Equatable {
        /// Write this action to the manager.
        case send(AMIFrame)
        /// The manager accepted the login; events follow.
        case loggedIn
        /// An event for the call model.
        case event(AMIFrame)
        /// The answer to `CoreShowChannels` is complete: the `Linkedid`s of every channel that is up.
        case channelsUp(Set<String>)
        /// The answer to `QueueStatus` is complete: one `QueueMember` frame per member of every queue.
        case queueMembers([AMIFrame])
        /// The session cannot go on (login refused, not a manager); the connection should be closed.
        case failed(AMISessionError)
        /// A frame that was not understood and was skipped (logged, never fatal).
        case skipped(String)
    }

    private enum State: Sendable {
        case awaitingBanner
        case challenging
        case loggingIn
        case listingChannels(Set<String>)
        case listingMembers([AMIFrame])
        case ready
        case failed
    }

    static let challengeID = "hotline-challenge"
    static let loginID = "hotline-login"
    static let channelsID = "hotline-channels"
    static let queuesID = "hotline-queues"

    private let user: String
    private let secret: String
    private let method: LoginMethod
    private let eventMask: String
    private var state = State.awaitingBanner

    /// - Parameter eventMask: the `Events:` of the login; the bridge needs `call,agent`.
    public init(user: String, secret: String, method: LoginMethod, eventMask: String = "call,agent") {
        self.user = user
        self.secret = secret
        self.method = method
        self.eventMask = eventMask
    }

    /// Whether the login went through and the channel list was answered.
    public var isReady: Bool {
        if case .ready = state { return true }
        return false
    }

    public mutating func receive(_ item: AMIFrameParser.Item) -> [Step] {
        switch item {
        case .malformed(let error):
            return [.skipped("malformed AMI frame: \(error)")]
        case .banner(let text):
            guard case .awaitingBanner = state else { return [.skipped("a second banner: \(text)")] }
            guard text.hasPrefix("Asterisk Call Manager/") else {
                state = .failed
                return [.failed(.notAManager(banner: String(text.prefix(80))))]
            }
            switch method {
            case .plain:
                state = .loggingIn
                return [.send(loginAction(extra: [.init(key: "Secret", value: secret)]))]
            case .md5:
                state = .challenging
                return [
                    .send(
                        AMIFrame(["Action": "Challenge", "ActionID": Self.challengeID, "AuthType": "MD5"])
                    )
                ]
            }
        case .frame(let frame):
            return receive(frame)
        }
    }

    private mutating func receive(_ frame: AMIFrame) -> [Step] {
        let actionID = frame["ActionID"]
        switch state {
        case .awaitingBanner:
            return [.skipped("a frame before the banner")]
        case .failed:
            return []
        case .challenging:
            guard frame.responseStatus != nil, actionID == Self.challengeID else { return pass(frame) }
            guard frame.responseStatus == "Success", let challenge = frame["Challenge"], !challenge.isEmpty else {
                state = .failed
                return [.failed(.challengeRefused(message: frame["Message"] ?? ""))]
            }
            state = .loggingIn
            return [
                .send(
                    loginAction(extra: [
                        .init(key: "AuthType", value: "MD5"),
                        .init(key: "Key", value: MD5.hexDigest(challenge + secret)),
                    ])
                )
            ]
        case .loggingIn:
            guard frame.responseStatus != nil, actionID == Self.loginID || actionID == nil else { return pass(frame) }
            guard frame.responseStatus == "Success" else {
                state = .failed
                return [.failed(.loginRefused(message: frame["Message"] ?? ""))]
            }
            state = .listingChannels([])
            return [.loggedIn, .send(AMIFrame(["Action": "CoreShowChannels", "ActionID": Self.channelsID]))]
        case .listingChannels(var linkedIDs):
            guard actionID == Self.channelsID else { return pass(frame) }
            switch frame.eventName {
            case "CoreShowChannel":
                if let linkedID = frame["Linkedid"] ?? frame["LinkedID"] ?? frame["Uniqueid"] {
                    linkedIDs.insert(linkedID)
                }
                state = .listingChannels(linkedIDs)
                return []
            case "CoreShowChannelsComplete":
                state = .listingMembers([])
                return [.channelsUp(linkedIDs), Self.queueStatusAction]
            case nil where frame.responseStatus == "Error":
                // Without the list nothing can be ended safely; carry on with what the events say.
                state = .listingMembers([])
                return [.skipped("CoreShowChannels refused: \(frame["Message"] ?? "")"), Self.queueStatusAction]
            default:
                return []
            }
        case .listingMembers(var members):
            guard actionID == Self.queuesID else { return pass(frame) }
            switch frame.eventName {
            case "QueueMember":
                members.append(frame)
                state = .listingMembers(members)
                return []
            case "QueueStatusComplete":
                state = .ready
                return [.queueMembers(members)]
            case nil where frame.responseStatus == "Error":
                state = .ready
                return [.skipped("QueueStatus refused: \(frame["Message"] ?? "")")]
            default:
                return []
            }
        case .ready:
            return pass(frame)
        }
    }

    /// After the channels, the queue members: agent sessions that began or ended while the bridge was away.
    private static let queueStatusAction = Step.send(AMIFrame(["Action": "QueueStatus", "ActionID": queuesID]))

    private func pass(_ frame: AMIFrame) -> [Step] {
        frame.eventName == nil ? [] : [.event(frame)]
    }

    private func loginAction(extra: [AMIFrame.Field]) -> AMIFrame {
        AMIFrame(
            fields: [
                .init(key: "Action", value: "Login"),
                .init(key: "ActionID", value: Self.loginID),
                .init(key: "Username", value: user),
            ] + extra + [.init(key: "Events", value: eventMask)]
        )
    }
}

/// Why an AMI session stopped.
public enum AMISessionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The peer's first line is not an Asterisk manager greeting.
    case notAManager(banner: String)
    case challengeRefused(message: String)
    /// The user or the secret is wrong, or the user may not log in from here.
    case loginRefused(message: String)

    public var description: String {
        switch self {
        case .notAManager(let banner): return "not an Asterisk manager (greeting \"\(banner)\")"
        case .challengeRefused(let message): return "the MD5 challenge was refused: \(message)"
        case .loginRefused(let message): return "login refused: \(message)"
        }
    }
}
