import Foundation
import HotlineNotifier
import HotlineStore
import HotlineSystem
import Testing

/// The whole way: a transfer made with hotlinectl through a real hotlined reaches a webhook through the notifier.
@Suite("Notices from hotlined to a webhook")
struct EndToEndTests {
    @Test("a transfer through hotlined is delivered to the webhook, signed, addressed to the receiving department")
    func transferDelivered() throws {
        let harness = try NotifierHarness()
        let sockets = harness.directory
        let hotlined = try ChildProcess.spawn(
            NotifierHarness.binDirectory + "/hotlined",
            [
                "--database", harness.adminConninfo, "--control-socket", sockets + "/control.sock", "--pbx-socket",
                sockets + "/pbx.sock", "--state-dir", sockets + "/state",
            ],
            stdoutPath: sockets + "/hotlined.log"
        )
        defer {
            hotlined.signal(SIGTERM)
            _ = try? hotlined.wait(timeout: 30)
        }
        func ctl(_ arguments: [String]) throws -> (status: Int32, output: String) {
            let outputPath = sockets + "/ctl-\(UUID().uuidString.prefix(6)).out"
            let child = try ChildProcess.spawn(
                NotifierHarness.binDirectory + "/hotlinectl",
                ["--socket", sockets + "/control.sock"] + arguments,
                stdoutPath: outputPath
            )
            let status = try child.wait(timeout: 30) ?? -1
            return (status, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
        }
        try NotifierHarness.waitUntil(timeout: 60, "hotlined answers") { try ctl(["status"]).status == 0 }
        for arguments in [
            ["dept", "add", "SVC", "--name", "客服部"], ["dept", "add", "INST", "--name", "安装部"],
            ["staff", "add", "zhangsan", "--name", "张三", "--dept", "SVC"],
        ] {
            #expect(try ctl(arguments).status == 0, "\(arguments)")
        }
        let receiver = try harness.startReceiver()
        let secretFile = try harness.writeFile("webhook.secret", "end-to-end\n")
        _ = try harness.startNotifier([
            "--database", harness.notifierConninfo, "--webhook", receiver.url, "--secret-file", secretFile,
        ])
        #expect(try ctl(["complaint", "file", "--matter", "热水器漏水", "--as", "zhangsan"]).status == 0)
        #expect(
            try ctl(["complaint", "transfer", "1", "--to", "INST", "--reason", "安装问题", "--as", "zhangsan"]).status == 0
        )
        try NotifierHarness.waitUntil(timeout: 30, "the transfer's notice is posted") {
            try receiver.requests().contains { String(decoding: $0.body, as: UTF8.self).contains("\"transferred\"") }
        }
        let request = try #require(
            try receiver.requests().first { String(decoding: $0.body, as: UTF8.self).contains("\"transferred\"") }
        )
        #expect(
            WebhookSignature.verify(
                try #require(request.headers["x-hotline-signature"]),
                body: request.body,
                secret: Array("end-to-end".utf8)
            )
        )
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(body["topic"] as? String == "transferred")
        #expect(body["complaint"] as? String == "1" || body["complaint"] as? Int == 1)
        #expect(body["to"] as? [[String: String]] == [["department": "INST"]])
        #expect((body["text_zh"] as? String)?.contains("转交贵部门") == true)
    }
}
