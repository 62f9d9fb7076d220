import Foundation
import HotlineCore
import Testing

@testable import HotlineProtocol

@Suite("Typed control commands: one wire form for both sides")
struct ControlCommandTests {
    static let commands: [ControlCommand] = {
        let phone = try? PhoneNumber(validating: "138 0013 8000")
        return [
            .status, .departmentList, .watch(mine: false), .watch(mine: true), .noticesFailed, .noticesRetry(id: 17),
            .matterAdd(
                Matter(
                    code: "HUKOU-01",
                    title: "新生儿落户",
                    department: "POLICE",
                    conditions: "本市户籍",
                    materials: "出生医学证明",
                    fees: "免费",
                    timeLimit: "当场办结",
                    procedure: "窗口办理",
                    refusal: "材料不全",
                    keywords: ["上户口", "出生"]
                )
            ),
            .matterEdit(code: "HUKOU-01", MatterChanges(fees: "20 元", keywords: [])),
            .matterShow(code: "HUKOU-01", version: 2), .matterShow(code: "HUKOU-01", version: nil),
            .matterList(department: "POLICE"), .matterSearch(text: "孩子怎么上户口", limit: 20),
            .matterImport(file: "m.csv", content: "code,title\n"),
            .complaint(id: "42", .resolve(answer: "已告知", told: ["HUKOU-01", "PASS-01"])),
            .complaintMerge(id: "43", into: "42", reason: "重复"),
            .callbackList(openOnly: true, limit: 50),
            .callbackDone(call: "9002", outcome: .noAnswer, note: "关机"),
            .callbackDone(call: "9002", outcome: .reached, note: nil),
            .inbox(all: false), .inbox(all: true), .inboxRead(ids: [3, 4], all: false), .inboxRead(ids: [], all: true),
            .dutySet(
                login: "zhaoliu",
                from: Date(timeIntervalSince1970: 1_796_000_000),
                to: Date(timeIntervalSince1970: 1_796_040_000)
            ),
            .dutyShow(at: nil), .dutyShow(at: Date(timeIntervalSince1970: 1_796_000_000)), .metrics,
            .departmentAdd(Department(code: "QA", name: "质检部", head: "lisi", isCoordination: true)),
            .departmentAdd(Department(code: "SVC", name: "客服部")),
            .staffAdd(
                StaffMember(
                    login: "zhangsan",
                    name: "张三",
                    department: "SVC",
                    rank: 2,
                    roles: [.operator, .supervisor],
                    extension: "8001"
                )
            ),
            .staffList(department: nil), .staffList(department: "SVC"),
            .calls(CallListQuery(filter: .missed, since: Date(timeIntervalSince1970: 1_796_000_000), limit: 50)),
            .calls(CallListQuery()),
            .callShow(call: "1701"),
            .clockAdvance(seconds: 3_660), .clockSet(Date(timeIntervalSince1970: 1_796_000_000)),
            .complaintFile(
                ComplaintFiling(
                    callID: "1701",
                    callerName: "王女士",
                    callerPhone: phone,
                    callerAddress: "幸福路 1 号",
                    matter: "热水器漏水",
                    category: "安装",
                    urgent: true
                )
            ),
            .complaintFile(ComplaintFiling(matter: "账单疑问")),
            .complaintShow(id: "42"),
            .complaintList(
                ComplaintListQuery(mine: true, department: "INST", state: .transferred, overdue: true, limit: 7)
            ),
            .complaint(id: "42", .resolve(answer: "已解释")),
            .complaint(id: "42", .transfer(to: "INST", reason: "安装问题")),
            .complaint(id: "42", .accept(handler: nil)), .complaint(id: "42", .accept(handler: "wangwu")),
            .complaint(id: "42", .returnToCoordination(reason: "不属本部门")),
            .complaint(id: "42", .reroute(to: "PROP", reason: "物业")),
            .complaint(id: "42", .reply(result: "已更换阀门")), .complaint(id: "42", .urge(note: nil)),
            .complaint(id: "42", .escalate(to: .gm, reason: "多次投诉")),
            .complaint(id: "42", .handover(to: "lisi", approvedBy: "zhaoliu")),
            .complaint(id: "42", .extend(by: .workingDays(2), reason: "等待配件", approvedBy: "zhaoliu")),
            .complaint(id: "42", .extend(by: .wallClock(minutes: 240), reason: "等待配件", approvedBy: "zhaoliu")),
            .complaint(id: "42", .feedback(satisfaction: 2, comment: "不满意")),
            .calendarImport(file: "cn-2027.txt", content: "2027-01-01 holiday 元旦\n"),
            .calendarShow(month: nil), .calendarShow(month: YearMonth(year: 2027, month: 2)),
            .qaEscalations(from: LocalDate(year: 2026, month: 11, day: 1), to: nil, department: "INST"),
            .qaStats(period: ReportingPeriod(parsing: "2026-Q4")!, assessment: false),
            .qaStats(period: ReportingPeriod(parsing: "2026-11")!, assessment: true),
            .auditVerify(id: nil), .auditVerify(id: "42"),
            .auditSeal(period: ReportingPeriod(parsing: "2026-Q4")!), .auditHops(id: nil), .auditHops(id: "42"),
            .auditHops(id: nil, after: "41", complaints: 10_000),
            .auditVerify(
                id: nil,
                anchors: [
                    AnchorChain.File(name: "anchors-b-1-2026-11.log", text: "line one\nline two\n"),
                    AnchorChain.File(name: "copy.log", text: ""),
                ]
            ),
        ]
    }()

    @Test("every command survives the wire: encoded by hotlinectl, decoded by the daemon", arguments: commands)
    func roundTrip(_ command: ControlCommand) throws {
        let line = ControlRequest(command, actAs: "zhangsan", language: .zh).encodedLine()
        let request = try ControlRequest.decode(line: line.dropLast())
        #expect(request.command == command.name)
        #expect(try request.decodedCommand() == command)
    }

    @Test("the v1 wire names and fields stay as they were")
    func wireShape() {
        let request = ControlRequest(.complaint(id: "42", .handover(to: "lisi", approvedBy: "zhaoliu")))
        #expect(request.command == "complaint.handover")
        #expect(
            JSONValue.object(request.arguments)
                == .object([("id", .string("42")), ("to", .string("lisi")), ("approved_by", .string("zhaoliu"))])
        )
        #expect(ControlCommand.calls(CallListQuery()).name == "calls.list")
        #expect(ControlCommand.complaint(id: "1", .returnToCoordination(reason: "x")).name == "complaint.return")
        #expect(
            JSONValue.object(ControlCommand.departmentAdd(Department(code: "SVC", name: "客服部")).arguments)
                == .object([
                    ("code", .string("SVC")), ("name", .string("客服部")), ("head", .null),
                    ("coordination", .bool(false)),
                ])
        )
    }

    struct BadArguments: Sendable, CustomTestStringConvertible {
        let name: String
        let arguments: [(String, JSONValue)]
        let message: String
        var testDescription: String { "\(name): \(message)" }
    }

    static let bad: [BadArguments] = [
        BadArguments(name: "dept.add", arguments: [("code", .string("SVC"))], message: "missing argument: name"),
        BadArguments(name: "dept.add", arguments: [("code", .int(1))], message: "argument code must be a string"),
        BadArguments(
            name: "staff.add",
            arguments: [
                ("login", .string("a")), ("name", .string("A")), ("dept", .string("S")),
                ("roles", .array([.string("boss")])),
            ],
            message: "unknown role 'boss'"
        ),
        BadArguments(
            name: "calls.list",
            arguments: [("limit", .int(0))],
            message: "--limit must be between 1 and 100000"
        ),
        BadArguments(
            name: "calls.list",
            arguments: [("filter", .string("x"))],
            message: "filter must be all, active or missed"
        ),
        BadArguments(
            name: "complaint.list",
            arguments: [("state", .string("lost"))],
            message: "--state must be one of"
        ),
        BadArguments(name: "complaint.file", arguments: [("phone", .string("12"))], message: "--phone:"),
        BadArguments(
            name: "complaint.escalate",
            arguments: [("id", .string("1")), ("to", .string("none"))],
            message: "--to must be qa, vp or gm"
        ),
        BadArguments(
            name: "complaint.extend",
            arguments: [("id", .string("1")), ("by", .string("soon")), ("approved_by", .string("z"))],
            message: "--by:"
        ),
        BadArguments(
            name: "complaint.fly",
            arguments: [("id", .string("1"))],
            message: "unknown command 'complaint fly'"
        ),
        BadArguments(name: "nonsense", arguments: [], message: "unknown command 'nonsense'"),
        BadArguments(name: "qa.stats", arguments: [("period", .string("2026"))], message: "--period must be a month"),
        BadArguments(
            name: "calendar.show",
            arguments: [("month", .string("10-2026"))],
            message: "--month must look like"
        ),
        BadArguments(name: "clock.set", arguments: [("time", .string("noon"))], message: "not an RFC 3339 time"),
        BadArguments(name: "mine", arguments: [("mine", .string("yes"))], message: "unknown command"),
        BadArguments(name: "complaint.list", arguments: [("mine", .string("yes"))], message: "must be true or false"),
        BadArguments(name: "audit.hops", arguments: [("after", .string("x"))], message: "after must be a complaint id"),
        BadArguments(name: "audit.hops", arguments: [("complaints", .int(0))], message: "complaints must be a number"),
        BadArguments(
            name: "audit.hops",
            arguments: [("complaints", .int(100_001))],
            message: "complaints must be a number from 1 to 100000"
        ),
    ]

    @Test("bad arguments are refused naming the argument, exit 2", arguments: bad)
    func badArguments(_ bad: BadArguments) {
        let error = #expect(throws: ControlError.self) {
            try ControlCommand(name: bad.name, arguments: bad.arguments, language: .en)
        }
        #expect(error?.code == .invalid)
        #expect(error?.message.contains(bad.message) == true, "\(error?.message ?? "")")
        #expect(error?.code.exitStatus == 2)
    }

    @Test("the JSON value coder keeps field order and writes null for an absent optional")
    func valueCoder() throws {
        struct Record: Codable, Equatable {
            var zeta: String
            var alpha: Int?
            var list: [Double]
            var nested: [String: Bool]
        }
        let record = Record(zeta: "z", alpha: nil, list: [1.5, 2], nested: ["on": true])
        let encoded = try JSONValueEncoder().encode(record)
        #expect(
            encoded
                == .object([
                    ("zeta", .string("z")), ("alpha", .null), ("list", .array([.double(1.5), .double(2)])),
                    ("nested", .object([("on", .bool(true))])),
                ])
        )
        #expect(try JSONValueDecoder().decode(Record.self, from: encoded) == record)
        let missing = #expect(throws: DecodingError.self) {
            try JSONValueDecoder().decode(Record.self, from: .object([("zeta", .int(1))]))
        }
        guard case .typeMismatch? = missing else {
            Issue.record("expected a type mismatch, got \(String(describing: missing))")
            return
        }
    }
}
