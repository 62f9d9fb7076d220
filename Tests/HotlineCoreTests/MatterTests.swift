import Testing

@testable import HotlineCore

/// The knowledge base's pure parts (SPEC §12): field limits, the CSV of `matter import`, and the told matters in
/// the signed hop.
@Suite("Matters: limits, CSV import, told in the hop")
struct MatterTests {
    static let matter = Matter(
        code: "HUKOU-01",
        title: "新生儿落户登记",
        department: "POLICE",
        conditions: "父母一方为本市户籍",
        materials: "出生医学证明",
        fees: "免费",
        timeLimit: "当场办结",
        procedure: "到户籍窗口办理",
        keywords: ["上户口"]
    )

    @Test("every field has a limit counted in characters, and the error names the field in both languages")
    func limits() throws {
        var matter = Self.matter
        matter.title = String(repeating: "长", count: 100)
        #expect(try matter.validated().title.count == 100)
        matter.title = String(repeating: "长", count: 101)
        #expect(throws: MatterError.tooLong(.title, limit: 100, count: 101)) { try matter.validated() }
        for field in MatterField.allCases where field != .code && field != .keywords && field != .department {
            var long = Self.matter
            let text = String(repeating: "字", count: field.limit + 1)
            switch field {
            case .title: long.title = text
            case .conditions: long.conditions = text
            case .materials: long.materials = text
            case .fees: long.fees = text
            case .timeLimit: long.timeLimit = text
            case .procedure: long.procedure = text
            case .refusal: long.refusal = text
            default: break
            }
            #expect(throws: MatterError.tooLong(field, limit: field.limit, count: field.limit + 1)) {
                try long.validated()
            }
        }
        let error = MatterError.tooLong(.timeLimit, limit: 200, count: 201)
        #expect(error.text(in: .zh) == "--time-limit（办理时限）最多 200 个字，现有 201 个")
        #expect(error.text(in: .en) == "--time-limit (time limit) is 201 characters long; at most 200 are allowed")
    }

    @Test("required fields, codes, keywords and refusal are checked and trimmed")
    func requiredAndCodes() throws {
        var matter = Self.matter
        matter.fees = "  "
        #expect(throws: MatterError.missing(.fees)) { try matter.validated() }
        matter = Self.matter
        matter.code = "-bad"
        #expect(throws: MatterError.invalidCode("-bad")) { try matter.validated() }
        matter.code = "户口"
        #expect(throws: MatterError.invalidCode("户口")) { try matter.validated() }
        matter = Self.matter
        matter.keywords = [" 上户口 ", "上户口", "", "出生"]
        matter.refusal = "   "
        let checked = try matter.validated()
        #expect(checked.keywords == ["上户口", "出生"])
        #expect(checked.refusal == nil)
        matter.keywords = (1...21).map { "词\($0)" }
        #expect(throws: MatterError.tooManyKeywords(21, limit: 20)) { try matter.validated() }
        matter.keywords = [String(repeating: "词", count: 21)]
        #expect(throws: MatterError.keywordTooLong(String(repeating: "词", count: 21), limit: 20)) {
            try matter.validated()
        }
        #expect(MatterField.splitKeywords("上户口，出生、落户;迁入, ") == ["上户口", "出生", "落户", "迁入"])
    }

    @Test("an edit applies only the fields given; an empty refusal clears it")
    func edits() throws {
        var matter = Self.matter
        matter.refusal = "材料不全"
        let edited = matter.applying(MatterChanges(fees: "20 元", refusal: ""))
        #expect(edited.fees == "20 元")
        #expect(edited.refusal == nil)
        #expect(edited.title == matter.title)
        #expect(MatterChanges().isEmpty)
        #expect(throws: MatterError.tooLong(.fees, limit: 500, count: 501)) {
            try MatterChanges(fees: String(repeating: "元", count: 501)).validated()
        }
    }

    static let header = "code,title,department,conditions,materials,fees,time_limit,procedure,refusal,keywords"

    @Test("CSV: BOM, CRLF, quoted commas, doubled quotes, newlines in quotes, columns in any order")
    func csvParsing() throws {
        let text =
            "\u{FEFF}" + Self.header + "\r\n"
            + "HUKOU-01,新生儿落户登记,POLICE,本市户籍,\"证明,户口簿\",免费,当场,\"第一步\n第二步\",\"说\"\"不\"\"\",\"上户口、出生\"\r\n"
            + "\r\n"
            + "PASS-01,护照,POLICE,居民,身份证,120 元,7 日,窗口,,出国"
        let rows = try MatterCSV.parse(text)
        #expect(rows.map(\.line) == [2, 5])
        #expect(rows[0].matter.materials == "证明,户口簿")
        #expect(rows[0].matter.procedure == "第一步\n第二步")
        #expect(rows[0].matter.refusal == "说\"不\"")
        #expect(rows[0].matter.keywords == ["上户口", "出生"])
        #expect(rows[1].matter.refusal == nil)
        #expect(rows[1].matter.keywords == ["出国"])

        let reordered = try MatterCSV.parse(
            "title,code,department,conditions,materials,fees,time_limit,procedure\n护照,PASS-01,POLICE,a,b,c,d,e\n"
        )
        #expect(reordered.first?.matter.code == "PASS-01")
    }

    @Test("CSV errors name the line and the field")
    func csvErrors() {
        func error(_ text: String) -> MatterImportError? {
            do {
                _ = try MatterCSV.parse(text)
                return nil
            } catch {
                return error
            }
        }
        let long = String(repeating: "证", count: 101)
        let tooLong = error(Self.header + "\nA,ok,D,a,b,c,d,e,,\nB,\(long),D,a,b,c,d,e,,\n")
        #expect(tooLong?.line == 3)
        #expect(tooLong?.field == "title")
        #expect(tooLong?.text(in: .en).hasPrefix("line 3, field title: --title (title) is 101 characters") == true)
        #expect(tooLong?.text(in: .zh).hasPrefix("第 3 行，字段 title：") == true)
        #expect(error(Self.header + "\nA,ok,D,a,b,c,d\n")?.reason == .fieldCount(expected: 10, found: 7))
        #expect(error("code,title,colour\n")?.field == "colour")
        #expect(error("code,title,department\n")?.reason == .missingColumn)
        #expect(
            error(Self.header + "\nA,ok,D,a,b,c,d,e,,\nA,ok,D,a,b,c,d,e,,\n")?.reason == .repeatedCode(firstLine: 2)
        )
        #expect(error(Self.header + "\nA,o\"k,D,a,b,c,d,e,,\n")?.reason == .strayQuote)
        #expect(error(Self.header + "\nA,\"ok,D,a,b,c,d,e,,\n")?.reason == .unterminatedQuote)
        #expect(error("")?.reason == .empty)
        #expect(error(Self.header + "\nA,ok,D,,b,c,d,e,,\n")?.field == "conditions")
    }

    @Test("told matters are in the hop's hashed bytes; a hop that tells nothing keeps its old bytes")
    func toldInHop() {
        let plain = HopContent(
            complaintID: "7",
            sequence: 2,
            action: "resolved",
            by: "alice",
            actingRoot: false,
            atMicroseconds: 1,
            department: "SVC",
            text: "已告知"
        )
        var told = plain
        told.told = ["HUKOU-01@2"]
        var otherVersion = plain
        otherVersion.told = ["HUKOU-01@3"]
        #expect(told.canonicalBytes.starts(with: plain.canonicalBytes))
        #expect(told.canonicalBytes.count > plain.canonicalBytes.count)
        #expect(HopChain.hash(previous: nil, content: told) != HopChain.hash(previous: nil, content: plain))
        #expect(HopChain.hash(previous: nil, content: told) != HopChain.hash(previous: nil, content: otherVersion))
        #expect(MatterReference("HUKOU-01@2") == MatterReference(code: "HUKOU-01", version: 2))
        #expect(MatterReference("HUKOU-01") == nil)
    }

    @Test("resolve with told matters signs them in the resolved hop")
    func workflowSignsTold() throws {
        let told = [MatterReference(code: "HUKOU-01", version: 2)]
        let transition = try Centre.decide(
            .resolve(answer: "已告知", told: told),
            on: Centre.filed(),
            by: Centre.alice
        )
        #expect(transition.hops.last?.action == .resolved)
        #expect(transition.hops.last?.told == told)
    }
}
