/// Why the workflow will not take an action: the rule (R-number) or the role that refuses, a machine-readable
/// code and a message in both languages that says what to do instead. `hotlinectl` exits with status 3.
public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of refusal it is, stable for scripts and JSON (`error` field).
    public enum Code: String, Sendable, Equatable, Codable, CaseIterable {
        /// The action does not apply in the complaint's current state (SPEC §2).
        case invalidTransition = "invalid_transition"
        /// The acting person may not do this on this complaint.
        case notPermitted = "not_permitted"
        /// A required text (answer, reason, result) is missing or blank.
        case missingText = "missing_text"
        /// A number is outside its allowed range (satisfaction, extension length, escalation level).
        case outOfRange = "out_of_range"
        /// It was done already and may be done only once.
        case alreadyDone = "already_done"
        /// The named department does not exist.
        case unknownDepartment = "unknown_department"
        /// A transfer to the first responder's own department, which should resolve it itself.
        case sameDepartment = "same_department"
        /// The named person is not in the department the rule requires.
        case notInDepartment = "not_in_department"
        /// The approval is missing or invalid (not a leader, or self-approved).
        case approvalRequired = "approval_required"
        /// An escalation that would not raise the level.
        case notAnIncrease = "not_an_increase"
        /// A handover to the person who is already responsible.
        case sameStaff = "same_staff"
    }

    /// The rule that refuses, such as "R7"; nil only when a role alone refuses.
    public var rule: String?
    /// The role that was required and missing, when a role refuses.
    public var role: Role?
    public var code: Code
    public var message: LocalizedText

    public init(rule: String?, role: Role? = nil, code: Code, message: LocalizedText) {
        self.rule = rule
        self.role = role
        self.code = code
        self.message = message
    }

    /// A refusal whose message starts with the rule ("R7: …" / "R7：…").
    public init(rule: String, role: Role? = nil, code: Code, zh: String, en: String) {
        self.init(rule: rule, role: role, code: code, message: LocalizedText(zh: "\(rule)：\(zh)", en: "\(rule): \(en)"))
    }

    public var description: String { message.en }
}
