import HotlineCore

/// `[qa]`: how departments are graded from their rates in `qa stats` and `qa report` (issue 16). Every key is
/// documented in `deploy/hotlined.toml`:
///
/// - `minimum_cases`: a rate over fewer cases does not count towards a grade;
/// - `grade_a_reply_on_time`, `grade_b_satisfaction`, … (`grade_{a,b,c}_{transfer_on_time,reply_on_time,
///   satisfaction,feedback}`): the least share in percent for that grade; 0 removes the condition.
extension Configuration {
    /// One `[qa]` entry, checked as it is read so that the error names its line.
    mutating func applyQA(_ entry: ConfigEntry, file: String) throws(ConfigFileError) {
        let key = "qa.\(entry.key)"
        func fail(_ reason: String) -> ConfigFileError {
            ConfigFileError(file: file, line: entry.line, key: key, reason: reason)
        }
        if entry.key == "minimum_cases" {
            guard case .integer(let cases) = entry.value else { throw fail("must be a whole number of cases") }
            do {
                try qaGrading.setMinimumCases(cases)
            } catch {
                throw fail(error.description)
            }
            return
        }
        guard let (grade, measure) = Configuration.qaThresholdKeys[entry.key] else {
            throw fail("unknown key (see deploy/hotlined.toml for the documented keys)")
        }
        let percent: Double
        switch entry.value {
        case .integer(let value): percent = Double(value)
        case .float(let value): percent = value
        default: throw fail("must be a percentage from 0 to 100, such as 95 or 92.5")
        }
        do {
            try qaGrading.setThreshold(grade, measure, percent: percent)
        } catch {
            throw fail(error.description)
        }
    }

    /// After the whole file: a lower grade asking more than a higher one is refused, naming the key of this file
    /// that made it so (the lower grade's if it was set here, else the higher one's).
    func validateQA(_ entries: [ConfigEntry], file: String) throws(ConfigFileError) {
        do {
            try qaGrading.validate()
        } catch {
            var key = "qa"
            var line = 0
            if case .notDescending(let measure, let higher, let lower) = error {
                for grade in [higher, lower] {
                    let name = Configuration.qaThresholdKey(grade, measure)
                    if let entry = entries.last(where: { $0.section == "qa" && $0.key == name }) {
                        key = "qa.\(name)"
                        line = entry.line
                    }
                }
            }
            throw ConfigFileError(file: file, line: line, key: key, reason: error.description)
        }
    }

    static func qaThresholdKey(_ grade: QAGrade, _ measure: QAMeasure) -> String {
        "grade_\(grade.rawValue.lowercased())_\(measure.rawValue)"
    }

    /// `grade_a_reply_on_time` → (A, reply on time), for every grade that has thresholds and every department rate.
    static let qaThresholdKeys: [String: (QAGrade, QAMeasure)] = Dictionary(
        uniqueKeysWithValues: QAGrade.thresholded.flatMap { grade in
            QAMeasure.departmental.map { measure in (qaThresholdKey(grade, measure), (grade, measure)) }
        }
    )
}
