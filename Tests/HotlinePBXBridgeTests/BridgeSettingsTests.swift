import HotlineCore
import HotlinePBXBridge
import HotlineProtocol
import Testing

/// The bridge's settings (config file under the options) and its outbox of unacknowledged events.
@Suite("Bridge settings and outbox")
struct BridgeSettingsTests {
    private func entries(_ pairs: [(String, BridgeSettings.Value)]) -> [BridgeSettings.Entry] {
        pairs.enumerated().map { BridgeSettings.Entry(key: $1.0, value: $1.1, line: $0 + 1) }
    }

    @Test("the config file gives every setting; the options override it")
    func merge() throws {
        let file = entries([
            ("ami", .string("pbx.example:5038")), ("user", .string("hotline")),
            ("secret_file", .string("/etc/hotline/ami.secret")), ("queue", .strings(["complaints", "vip"])),
            ("inbound", .string("12345")), ("withheld_number", .string("10000")), ("state_dir", .string("/var/lib/b")),
            ("pbx_socket", .string("/run/hotline/pbx.sock")), ("login", .string("plain")),
        ])
        var options = BridgeSettings.Options()
        let fromFile = try BridgeSettings.resolve(pbx: .asterisk, file: "b.toml", entries: file, options: options)
        #expect(fromFile.host == "pbx.example")
        #expect(fromFile.port == 5038)
        #expect(fromFile.queues == ["complaints", "vip"])
        #expect(fromFile.inbound == ["12345"])
        #expect(fromFile.login == .plain)
        #expect(fromFile.withheldNumber == (try PhoneNumber(validating: "10000")))
        #expect(fromFile.systemName == "asterisk")

        options.address = "127.0.0.1:15038"
        options.queues = ["complaints"]
        options.stateDirectory = "/tmp/state"
        let overridden = try BridgeSettings.resolve(pbx: .asterisk, file: "b.toml", entries: file, options: options)
        #expect(overridden.host == "127.0.0.1")
        #expect(overridden.port == 15038)
        #expect(overridden.queues == ["complaints"])
        #expect(overridden.stateDirectory == "/tmp/state")
        #expect(overridden.user == "hotline")
    }

    @Test("missing and wrong settings are refused with a reason an operator can act on")
    func refusals() {
        var options = BridgeSettings.Options()
        #expect(throws: BridgeSettingsError("the PBX address is missing: --ami HOST:PORT or `ami` in the config")) {
            try BridgeSettings.resolve(pbx: .asterisk, options: options)
        }
        options.address = "localhost"
        #expect(throws: BridgeSettingsError("address `localhost`: expected HOST:PORT")) {
            try BridgeSettings.resolve(pbx: .asterisk, options: options)
        }
        options.address = "[::1]:5038"
        #expect(throws: BridgeSettingsError("the secret file is missing: --secret-file FILE")) {
            try BridgeSettings.resolve(pbx: .asterisk, options: options)
        }
        options.secretFile = "/s"
        #expect(throws: BridgeSettingsError("the AMI user is missing: --user NAME or `user` in the config")) {
            try BridgeSettings.resolve(pbx: .asterisk, options: options)
        }
        options.user = "hotline"
        #expect((try? BridgeSettings.resolve(pbx: .asterisk, options: options))?.host == "::1")
        #expect(throws: BridgeSettingsError("b.toml:1: unknown key `secret`")) {
            try BridgeSettings.resolve(
                pbx: .asterisk,
                file: "b.toml",
                entries: entries([("secret", .string("s3cret"))]),
                options: options
            )
        }
        options.withheldNumber = "anonymous"
        #expect(throws: BridgeSettingsError.self) { try BridgeSettings.resolve(pbx: .asterisk, options: options) }
    }

    @Test("the outbox keeps events until acked, drops refused ones, keeps unavailable ones, never holds one twice")
    func outbox() throws {
        let at = AMITranscript.at
        let events = (1...3).map { PBXEvent(id: "e\($0)", at: at, kind: .callEnded(call: "c\($0)", cause: .normal)) }
        var outbox = EventOutbox()
        outbox.append(events)
        outbox.append([events[0]])
        #expect(outbox.entries.map(\.id) == ["e1", "e2", "e3"])
        #expect(outbox.entries[0].line == AMITranscript.line(events[0]))
        let outcomes = outbox.settle(
            ids: ["e1", "e2", "e3"],
            acks: [
                .accepted(id: "e1", duplicate: true),
                .refused(PBXLineError(code: .unavailable, id: "e2", message: "spool full")),
                .refused(PBXLineError(code: .invalidField, id: "e3", message: "agent: too long")),
            ]
        )
        #expect(outcomes.map(\.outcome)[0] == .delivered(duplicate: true))
        #expect(outcomes.map(\.outcome)[1] == .retryLater)
        #expect(outbox.entries.map(\.id) == ["e2"])
    }
}
