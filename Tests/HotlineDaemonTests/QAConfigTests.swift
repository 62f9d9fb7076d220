import Foundation
import HotlineCore
import Testing

@testable import HotlineDaemon

/// `[qa]` of the configuration (issue 16): the grading thresholds, read and checked like the other sections.
@Suite("Configuration [qa]")
struct QAConfigTests {
    func applied(_ text: String) throws -> Configuration {
        var configuration = Configuration.defaults
        try configuration.apply(try ConfigFile.parse(text, file: "q.toml"), file: "q.toml")
        return configuration
    }

    @Test("thresholds in percent, 0 removing a condition, and the minimum number of cases")
    func keys() throws {
        let configuration = try applied(
            """
            [qa]
            grade_a_reply_on_time = 97.5
            grade_a_feedback = 80
            grade_b_feedback = 50
            grade_c_satisfaction = 0
            minimum_cases = 5
            """
        )
        let policy = configuration.qaGrading
        #expect(policy.threshold(.a, .replyOnTime) == 9_750)
        #expect(policy.threshold(.a, .feedback) == 8_000)
        #expect(policy.threshold(.b, .feedback) == 5_000)
        #expect(policy.threshold(.c, .satisfaction) == 0)
        #expect(policy.threshold(.b, .replyOnTime) == QAGradingPolicy.standard.threshold(.b, .replyOnTime))
        #expect(policy.minimumCases == 5)
        #expect(Configuration.defaults.qaGrading == .standard)
    }

    @Test("the shipped example documents the defaults")
    func shippedExample() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/hotlined.toml").path
        var configuration = Configuration.defaults
        try configuration.load(file: path, required: true)
        #expect(configuration.qaGrading == .standard)
    }

    @Test(
        "errors name the file, the line and the key",
        arguments: [
            ("[qa]\ngrade_d_reply_on_time = 50\n", "q.toml:2: [qa.grade_d_reply_on_time] unknown key"),
            ("[qa]\ngrade_a_answer = 50\n", "q.toml:2: [qa.grade_a_answer] unknown key"),
            ("[qa]\n\ngrade_a_satisfaction = 101\n", "q.toml:3: [qa.grade_a_satisfaction] must be a percentage"),
            ("[qa]\ngrade_a_satisfaction = \"90%\"\n", "q.toml:2: [qa.grade_a_satisfaction] must be a percentage"),
            ("[qa]\nminimum_cases = 0\n", "q.toml:2: [qa.minimum_cases] must be a whole number"),
            ("[qa]\nminimum_cases = 2.5\n", "q.toml:2: [qa.minimum_cases] must be a whole number"),
            // B may not ask more than A: the key of this file that made it so is named.
            ("[qa]\n# A\ngrade_a_reply_on_time = 80\n", "q.toml:3: [qa.grade_a_reply_on_time] the reply_on_time"),
            ("[qa]\ngrade_c_satisfaction = 85\n", "q.toml:2: [qa.grade_c_satisfaction] the satisfaction"),
        ]
    )
    func errors(text: String, expected: String) throws {
        let error = #expect(throws: ConfigFileError.self) { try applied(text) }
        #expect(error?.description.hasPrefix(expected) == true, "got: \(String(describing: error))")
    }

    @Test("a reload puts the new thresholds in force")
    func reload() throws {
        let fresh = try applied("[qa]\ngrade_a_satisfaction = 95\n")
        let next = Configuration.defaults.reloaded(with: fresh)
        #expect(next.qaGrading.threshold(.a, .satisfaction) == 9_500)
    }
}
