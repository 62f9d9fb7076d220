import Foundation
import HotlineNotifier
import Testing

@Suite("hotline-notifier configuration")
struct NotifierConfigurationTests {
    private static let good = """
        [database]
        conninfo = "host=/run/postgresql dbname=hotline"

        [delivery]
        give_up_after = "2h"
        poll_interval = "500ms"
        workers = 2

        [route.urgent]
        topics = ["urgent_filed"]
        recipients = ["role:vp", "department:INST"]
        channels = ["ops", "leaders"]

        [channel.ops]
        type = "webhook"
        url = "https://ops.example.com/hotline"
        timeout = "5s"

        [channel.leaders]
        type = "dingtalk"
        url = "https://oapi.dingtalk.com/robot/send?access_token=abc"
        mention_all_when_urgent = true

        [route.everything]
        channels = ["sms"]

        [channel.sms]
        type = "command"
        command = "/usr/local/bin/sms-gateway"
        """

    @Test("a good file: channels, routes in file order, delivery settings")
    func goodFile() throws {
        let configuration = try NotifierConfiguration.parse(Self.good, file: "notifier.toml")
        #expect(configuration.database == "host=/run/postgresql dbname=hotline")
        #expect(configuration.giveUpAfter == .seconds(7200))
        #expect(configuration.pollInterval == .milliseconds(500))
        #expect(configuration.workers == 2)
        #expect(configuration.routes.map(\.name) == ["urgent", "everything"])
        #expect(configuration.deliveryRoutes == ["urgent/ops", "urgent/leaders", "everything/sms"])
        #expect(configuration.channels["ops"]?.timeout == .seconds(5))
        guard case .robot(let robot)? = configuration.channels["leaders"]?.kind else {
            Issue.record("leaders is not a robot channel")
            return
        }
        #expect(robot.vendor == .dingtalk)
        #expect(robot.mentionAllWhenUrgent)
        #expect(configuration.channels["sms"]?.kind == .command(CommandChannel(command: "/usr/local/bin/sms-gateway")))
    }

    @Test("the shipped deploy/notifier.toml loads")
    func shippedFile() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/notifier.toml").path
        let configuration = try NotifierConfiguration.load(file: path)
        #expect(!configuration.routes.isEmpty)
        #expect(configuration.giveUpAfter == .seconds(86_400))
    }

    @Test(
        "bad files are refused naming the file, the line and the key",
        arguments: [
            (
                "[channel.a]\ntype = \"telegram\"\nurl = \"https://x.example\"\n[route.r]\nchannels = [\"a\"]\n",
                2, "channel.a.type", "unknown channel type 'telegram'"
            ),
            (
                "[channel.a]\ntype = \"webhook\"\nurl = \"https://x.example\"\n[route.r]\nchannels = [\"a\", \"b\"]\n",
                5, "route.r.channels", "no channel named 'b'"
            ),
            (
                "[channel.a]\ntype = \"webhook\"\nurl = \"ftp://x.example/in\"\n[route.r]\nchannels = [\"a\"]\n",
                3, "channel.a.url", "not an http:// or https:// URL"
            ),
            (
                "[channel.a]\ntype = \"wecom\"\nurl = \"hooks.example.com\"\n[route.r]\nchannels = [\"a\"]\n",
                3, "channel.a.url", "not an http:// or https:// URL"
            ),
            (
                "\n[channel.a]\nurl = \"https://x.example\"\n[route.r]\nchannels = [\"a\"]\n",
                2, "channel.a.type", "missing"
            ),
            (
                "[channel.a]\ntype = \"webhook\"\nurl = \"https://x.example\"\nretries = 3\n[route.r]\nchannels = [\"a\"]\n",
                4, "channel.a.retries", "unknown key"
            ),
            (
                "[delivery]\ngive_up_after = \"forever\"\n", 2, "delivery.give_up_after", "must be a duration"
            ),
            (
                "[channel.a]\ntype = \"webhook\"\nurl = \"https://x.example\"\n[route.r]\nrecipients = [\"team:x\"]\n"
                    + "channels = [\"a\"]\n",
                5, "route.r.recipients", "is not a recipient"
            ),
            (
                "[channels.a]\ntype = \"webhook\"\n", 1, "channels.a", "unknown section"
            ),
        ]
    )
    func badFile(text: String, line: Int, key: String, reason: String) {
        #expect {
            _ = try NotifierConfiguration.parse(text, file: "/etc/hotline/notifier.toml")
        } throws: { error in
            guard let error = error as? NotifierConfigError else { return false }
            return error.file == "/etc/hotline/notifier.toml" && error.line == line && error.key == key
                && error.reason.contains(reason)
                && error.description.hasPrefix("/etc/hotline/notifier.toml:\(line): [\(key)]")
        }
    }

    @Test("a file without routes is refused: it would deliver nothing")
    func noRoutes() {
        #expect(throws: NotifierConfigError.self) {
            _ = try NotifierConfiguration.parse(
                "[channel.a]\ntype = \"webhook\"\nurl = \"https://x.example\"\n",
                file: "n.toml"
            )
        }
    }

    @Test("a secret file is read at load, without its trailing newline; a missing one is refused at its line")
    func secretFiles() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)").path
        try "s3cret\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = """
            [channel.a]
            type = "webhook"
            url = "http://127.0.0.1:9/in"
            secret_file = "\(path)"
            [route.r]
            channels = ["a"]
            """
        let configuration = try NotifierConfiguration.parse(text, file: "n.toml")
        guard case .webhook(let webhook)? = configuration.channels["a"]?.kind else {
            Issue.record("not a webhook")
            return
        }
        #expect(webhook.secret == Array("s3cret".utf8))
        #expect {
            _ = try NotifierConfiguration.parse(
                text.replacingOccurrences(of: path, with: path + ".gone"),
                file: "n.toml"
            )
        } throws: { error in
            (error as? NotifierConfigError).map { $0.line == 4 && $0.key == "channel.a.secret_file" } ?? false
        }
    }

    @Test("the quick start routes every notice to one webhook and checks its URL")
    func quickStart() throws {
        let configuration = try NotifierConfiguration.quickStart(
            database: "dbname=x",
            webhook: "http://127.0.0.1:8080/hook",
            secretFile: nil
        )
        #expect(configuration.deliveryRoutes == ["all/webhook"])
        #expect(configuration.routes[0].matches(topic: "anything", recipients: []))
        #expect(throws: NotifierConfigError.self) {
            _ = try NotifierConfiguration.quickStart(database: nil, webhook: "file:///etc/passwd", secretFile: nil)
        }
    }

    @Test("durations as written in the file")
    func durations() {
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("30s") == .seconds(30))
        #expect(DurationText.parse("10m") == .seconds(600))
        #expect(DurationText.parse("24h") == .seconds(86_400))
        #expect(DurationText.parse("2d") == .seconds(172_800))
        #expect(DurationText.parse("soon") == nil)
        #expect(DurationText.format(.seconds(86_400)) == "1d")
        #expect(DurationText.format(.milliseconds(1500)) == "1500ms")
    }
}
