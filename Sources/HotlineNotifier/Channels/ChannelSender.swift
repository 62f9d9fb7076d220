import AsyncHTTPClient
import Foundation
import HotlineDaemon
import NIOCore
import NIOHTTP1

/// Why one attempt failed; the text goes to `notice_deliveries.last_error` and the log, so it never holds a
/// secret or a robot's address (which carries its key).
public struct DeliveryFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}

/// Sends one notice over one channel: an HTTP POST (webhook, robots) or a command.
public struct ChannelSender: Sendable {
    let http: HTTPClient
    let userAgent: String

    public init(http: HTTPClient) {
        self.http = http
        self.userAgent = "hotline-notifier/\(HotlineVersion.current)"
    }

    public func send(
        _ notice: Notice,
        route: String,
        over channel: Channel,
        timeZone: TimeZone
    ) async throws(DeliveryFailure) {
        let document = NoticeDocument(notice: notice, route: route, timeZone: timeZone)
        let body: [UInt8]
        do {
            body = try document.body()
        } catch {
            throw DeliveryFailure("cannot encode the notice: \(error)")
        }
        switch channel.kind {
        case .webhook(let webhook):
            var headers = HTTPHeaders()
            headers.add(name: "Idempotency-Key", value: NoticeDocument.idempotencyKey(notice: notice.id, route: route))
            if let secret = webhook.secret {
                headers.add(name: WebhookSignature.header, value: WebhookSignature.value(body: body, secret: secret))
            }
            headers.add(name: "X-Hotline-Notice", value: String(notice.id))
            headers.add(name: "X-Hotline-Topic", value: notice.topic)
            let answer = try await post(webhook.url, body: body, headers: headers, timeout: channel.timeout)
            guard (200..<300).contains(answer.status) else {
                throw DeliveryFailure("HTTP \(answer.status): \(Self.excerpt(answer.body))")
            }
        case .robot(let robot):
            let message: RobotMessage
            do {
                message = try RobotMessage.make(for: notice, robot: robot, timeZone: timeZone, now: Date())
            } catch {
                throw DeliveryFailure("cannot encode the robot message: \(error)")
            }
            let answer = try await post(
                message.url,
                body: message.body,
                headers: HTTPHeaders(),
                timeout: channel.timeout
            )
            guard (200..<300).contains(answer.status) else {
                throw DeliveryFailure("HTTP \(answer.status): \(Self.excerpt(answer.body))")
            }
            if let refusal = RobotMessage.refusal(vendor: robot.vendor, body: answer.body) {
                throw DeliveryFailure(refusal)
            }
        case .command(let command):
            try await CommandRunner.run(
                command.command,
                input: body,
                environment: [
                    "HOTLINE_NOTICE_ID": String(notice.id),
                    "HOTLINE_NOTICE_TOPIC": notice.topic,
                    "HOTLINE_ROUTE": route,
                    "HOTLINE_IDEMPOTENCY_KEY": NoticeDocument.idempotencyKey(notice: notice.id, route: route),
                ],
                timeout: channel.timeout
            )
        }
    }

    private func post(
        _ url: URL,
        body: [UInt8],
        headers extra: HTTPHeaders,
        timeout: Duration
    ) async throws(DeliveryFailure) -> (status: Int, body: [UInt8]) {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: userAgent)
        request.headers.add(contentsOf: extra)
        request.body = .bytes(body)
        let host = url.host ?? "?"
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout.nanoseconds)))
            // Only the start of an answer is kept: it is for the error message, and a receiver may be chatty.
            var collected: [UInt8] = []
            for try await var chunk in response.body {
                if collected.count < 4096, let bytes = chunk.readBytes(length: min(chunk.readableBytes, 4096)) {
                    collected += bytes
                }
            }
            return (Int(response.status.code), collected)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw DeliveryFailure("no answer from \(host) within \(DurationText.format(timeout))")
        } catch {
            throw DeliveryFailure("POST to \(host) failed: \(error)")
        }
    }

    private static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return text.isEmpty ? "(empty answer)" : text
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
