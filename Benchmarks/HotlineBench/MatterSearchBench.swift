import Foundation
import HotlineCore
import HotlineStore
import Logging

/// `HOTLINE_BENCH_ONLY=matters`: `matter search` over 10,000 matters of generated Chinese text (SPEC §12 asks
/// for under 50 ms), through the same store call the daemon makes.
extension HotlineBench {
    static let benchMatters = Int(ProcessInfo.processInfo.environment["HOTLINE_BENCH_MATTERS"] ?? "") ?? 10_000

    /// Words of government-service texts; matters are built from them so that grams repeat as in real ones
    /// (办理, 材料, 证明 appear in most matters: the expensive case for a gram index).
    static let words = [
        "户口", "迁移", "落户", "出生", "登记", "身份证", "护照", "签证", "居住证", "社保", "医保", "公积金", "提取", "退休",
        "养老金", "失业", "补贴", "申领", "营业执照", "变更", "注销", "税务", "发票", "不动产", "房产", "过户", "抵押", "婚姻",
        "结婚", "离婚", "收养", "残疾", "低保", "救助", "驾驶证", "行驶证", "车辆", "年检", "违章", "罚款", "供水", "供电",
        "燃气", "停水", "停电", "噪音", "垃圾", "物业", "维修", "漏水", "路灯", "占道", "施工", "拆迁", "补偿", "学籍", "入学",
        "转学", "助学金", "就业", "招聘", "工资", "拖欠", "劳动", "仲裁", "工伤", "认定", "医疗", "报销", "异地", "备案", "预约",
        "挂号", "疫苗", "接种", "出入境", "港澳", "通行证", "台湾", "老年", "优待证", "公交", "地铁", "出租车", "投诉", "举报",
    ]
    static let fillers = [
        "办理", "需要", "提供", "材料", "证明", "原件", "复印件", "申请表", "窗口", "当场", "工作日", "本人", "委托", "代办",
        "免费", "收费", "标准", "条件", "符合", "不予受理", "情形", "流程", "网上", "审核", "通过", "领取", "邮寄",
    ]

    static func matterSearch(admin: String, logger: Logger) throws {
        print("")
        print("hotline-bench: matter search over \(benchMatters) matters")
        let database = try makeDatabase(admin: admin, name: "bench_matters", logger: logger)
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        try connection.command("INSERT INTO hotline.departments (code, name) VALUES ('GOV', '政务服务中心')")
        // A fixed linear congruential generator: the same matters on every run.
        var state: UInt64 = 12_345
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func phrase(_ count: Int) -> String {
            (0..<count).map { index in
                index % 2 == 0 ? words[next(words.count)] : fillers[next(fillers.count)]
            }.joined()
        }
        let rows = (1...benchMatters).map { index in
            MatterCSV.Row(
                line: index + 1,
                matter: Matter(
                    code: "M-\(index)",
                    title: phrase(3),
                    department: "GOV",
                    conditions: phrase(12),
                    materials: phrase(16),
                    fees: phrase(2),
                    timeLimit: "\(1 + next(20)) 个工作日",
                    procedure: phrase(30),
                    refusal: phrase(8),
                    keywords: (0..<3).map { _ in words[next(words.count)] }
                )
            )
        }
        let loadStart = Date()
        _ = try MatterStore.importRows(rows, by: "bench", actingRoot: false, at: Date(), on: connection)
        try connection.command("VACUUM (ANALYZE) hotline.matters, hotline.matter_versions")
        print(String(format: "  imported in %.1f s", Date().timeIntervalSince(loadStart)))

        let queries = [
            "孩子出生了怎么上户口", "我想办护照要什么材料", "公积金提取", "家里漏水物业不管", "工资被拖欠了找谁", "异地医疗报销怎么备案",
            "办理需要什么证明材料", "驾驶证年检", "路灯不亮", "低保",
        ]
        var medians: [Double] = []
        for query in queries {
            _ = try MatterStore.search(query, limit: 20, on: connection)
            var times: [Double] = []
            var found = 0
            for _ in 0..<5 {
                let start = Date()
                found = try MatterStore.search(query, limit: 20, on: connection).count
                times.append(Date().timeIntervalSince(start))
            }
            let median = times.sorted()[2]
            medians.append(median)
            print(String(format: "  %@  %6.1f ms (median of 5, %d hits shown)", query, median * 1000, found))
        }
        let worst = medians.max() ?? 0
        let overall = medians.sorted()[medians.count / 2]
        print(
            String(
                format: "  matter search: median %.1f ms, worst query %.1f ms  (target < 50 ms)",
                overall * 1000,
                worst * 1000
            )
        )
    }
}
