import ArgumentParser
import HotlineCore
import Testing

@testable import HotlineCLI
@testable import HotlineProtocol

@Suite("Control protocol")
struct ControlProtocolTests {
    @Test("a request survives encoding and decoding, Chinese and quotes included")
    func requestRoundTrip() throws {
        let request = ControlRequest(
            command: "staff.add",
            actAs: "zhangsan",
            language: .zh,
            arguments: [("name", .string("张三 \"老张\"\\")), ("rank", .int(3)), ("roles", .array([.string("qa")]))]
        )
        let line = request.encodedLine()
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
        #expect(try ControlRequest.decode(line: line.dropLast()) == request)
    }

    @Test(
        "malformed requests are refused with a reason",
        arguments: [
            "", "[]", "{\"v\":2,\"command\":\"status\"}", "{\"v\":1}", "{\"v\":1,\"command\":\"x\",\"args\":[]}",
        ]
    )
    func badRequests(text: String) {
        let error = #expect(throws: ControlError.self) { try ControlRequest.decode(line: Array(text.utf8)) }
        #expect(error?.code == .invalid)
    }

    @Test("responses carry rule, role and exit status")
    func responses() throws {
        let refusal = ControlError(code: .refused, rule: "R7", message: "R7：第二家不可再转至第三家")
        let decoded = try ControlResponse.decode(line: ControlResponse.failure(refusal).encodedLine().dropLast())
        #expect(decoded == .failure(refusal))
        #expect(refusal.code.exitStatus == 3)
        #expect(ControlError.Code.notFound.exitStatus == 4)
        #expect(ControlError.Code.unavailable.exitStatus == 5)
        #expect(ControlError.Code.invalid.exitStatus == 2)
    }

    @Test("JSON keeps key order and escapes what it must")
    func jsonSerialization() throws {
        let value = JSONValue.object([
            ("z", .int(1)), ("a", .string("line\nbreak \"q\" \\ 中文 \u{01}")), ("n", .null), ("f", .double(0.5)),
        ])
        let text = value.serialized()
        #expect(text == #"{"z":1,"a":"line\nbreak \"q\" \\ 中文 \u0001","n":null,"f":0.5}"#)
        #expect(try JSONValue.parse(Array(text.utf8)) == value)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array("{\"a\":1} x".utf8)) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
        #expect(try JSONValue.parse(Array(#""\ud83d\udcde""#.utf8)) == .string("📞"))
    }

    @Test("tables count Chinese characters as two columns")
    func cjkAlignment() {
        var table = TextTable(headers: ["Code", "Name", "Head"])
        table.append(["SVC", "客服部", "张三"])
        table.append(["QUALITY", "QA dept", "-"])
        let lines = table.render().split(separator: "\n").map(String.init)
        #expect(lines == ["Code     Name     Head", "SVC      客服部   张三", "QUALITY  QA dept  -"])
        #expect(TextTable.displayWidth("客服部") == 6)
        #expect(TextTable.displayWidth("é") == 1)
        #expect(TextTable.displayWidth("e\u{301}") == 1)
    }

    @Test(
        "clock durations parse",
        arguments: [("90s", 90), ("30m", 1800), ("2h", 7200), ("1d", 86_400), ("1h30m", 5400)]
    )
    func clockDurations(text: String, seconds: Int) {
        #expect(ClockDuration.seconds(text) == seconds)
    }

    @Test("bad clock durations are refused", arguments: ["", "10", "1x", "h", "-1h"])
    func badClockDurations(text: String) {
        #expect(ClockDuration.seconds(text) == nil)
    }

    @Test("hotlinectl parses its commands and refuses bad usage")
    func commandLine() throws {
        let command = try HotlineCtl.parseAsRoot([
            "staff", "add", "zhangsan", "--name", "张三", "--dept", "SVC", "--role", "qa", "--json",
        ])
        #expect(command is HotlineCtl.Staff.Add)
        #expect(throws: (any Error).self) {
            try HotlineCtl.parseAsRoot(["staff", "add", "x", "--name", "y", "--dept", "S", "--role", "boss"])
        }
        #expect(throws: (any Error).self) { try HotlineCtl.parseAsRoot(["status", "--lang", "fr"]) }
        #expect(HotlineCtl.runMain(["dept", "add"]) == 2)
        #expect(
            HotlineCtl.movingGlobalOptions(["--socket", "/s", "--json", "--as=li", "dept", "list", "--lang", "zh"])
                == ["dept", "list", "--lang", "zh", "--socket", "/s", "--json", "--as=li"]
        )
        #expect(HotlineCtl.movingGlobalOptions(["status", "--json"]) == ["status", "--json"])
        #expect(try HotlineCtl.parseAsRoot(HotlineCtl.movingGlobalOptions(["--json", "status"])) is HotlineCtl.Status)
        #expect(HotlineCtl.runMain(["--help"]) == 0)
    }

    @Test("the locale picks the language")
    func language() {
        #expect(Language(localeIdentifier: "zh_CN.UTF-8") == .zh)
        #expect(Language(localeIdentifier: "en_US.UTF-8") == .en)
        #expect(Language(localeIdentifier: "C") == .en)
        #expect(Language(localeIdentifier: nil) == .en)
    }
}
