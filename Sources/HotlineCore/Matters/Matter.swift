/// One matter of the knowledge base (一次性告知, SPEC §12): everything an operator must tell a caller at once about
/// how to get something done, so that nobody has to call twice.
public struct Matter: Sendable, Equatable, Codable {
    /// A short stable code the operator cites (`HUKOU-01`); versions are numbered per code.
    public var code: String
    public var title: String
    /// The department that owns the matter (a department code).
    public var department: String
    /// Who qualifies (办理条件).
    public var conditions: String
    /// Every document needed (所需材料).
    public var materials: String
    /// Fees (收费标准), "免费" when none.
    public var fees: String
    /// How long it takes (办理时限).
    public var timeLimit: String
    /// The steps (办理流程).
    public var procedure: String
    /// Why it would be refused (不予受理情形), when there is anything to say.
    public var refusal: String?
    /// Words callers use for it, for search.
    public var keywords: [String]

    public init(
        code: String,
        title: String,
        department: String,
        conditions: String,
        materials: String,
        fees: String,
        timeLimit: String,
        procedure: String,
        refusal: String? = nil,
        keywords: [String] = []
    ) {
        self.code = code
        self.title = title
        self.department = department
        self.conditions = conditions
        self.materials = materials
        self.fees = fees
        self.timeLimit = timeLimit
        self.procedure = procedure
        self.refusal = refusal
        self.keywords = keywords
    }

    /// The value of a text field (`keywords` joined with a comma).
    public func value(of field: MatterField) -> String? {
        switch field {
        case .code: return code
        case .title: return title
        case .department: return department
        case .conditions: return conditions
        case .materials: return materials
        case .fees: return fees
        case .timeLimit: return timeLimit
        case .procedure: return procedure
        case .refusal: return refusal
        case .keywords: return keywords.isEmpty ? nil : keywords.joined(separator: ",")
        }
    }

    /// Checks every field against ``MatterField`` limits; the first bad field is the error.
    public func validated() throws(MatterError) -> Matter {
        var matter = self
        matter.code = try MatterField.checkedCode(code)
        matter.title = try MatterField.title.checked(title)
        matter.department = try MatterField.department.checked(department)
        matter.conditions = try MatterField.conditions.checked(conditions)
        matter.materials = try MatterField.materials.checked(materials)
        matter.fees = try MatterField.fees.checked(fees)
        matter.timeLimit = try MatterField.timeLimit.checked(timeLimit)
        matter.procedure = try MatterField.procedure.checked(procedure)
        if let refusal {
            let trimmed = refusal.trimmingWhitespace
            matter.refusal = trimmed.isEmpty ? nil : try MatterField.refusal.checked(trimmed)
        }
        matter.keywords = try MatterField.checkedKeywords(keywords)
        return matter
    }

    /// Every field but the code as a change (the wire form of `matter add` shares `matter edit`'s).
    public var changes: MatterChanges {
        MatterChanges(
            title: title,
            department: department,
            conditions: conditions,
            materials: materials,
            fees: fees,
            timeLimit: timeLimit,
            procedure: procedure,
            refusal: refusal,
            keywords: keywords
        )
    }

    /// This matter with the given changes applied (an edit: a new version).
    public func applying(_ changes: MatterChanges) -> Matter {
        var matter = self
        if let title = changes.title { matter.title = title }
        if let department = changes.department { matter.department = department }
        if let conditions = changes.conditions { matter.conditions = conditions }
        if let materials = changes.materials { matter.materials = materials }
        if let fees = changes.fees { matter.fees = fees }
        if let timeLimit = changes.timeLimit { matter.timeLimit = timeLimit }
        if let procedure = changes.procedure { matter.procedure = procedure }
        if let refusal = changes.refusal { matter.refusal = refusal.isEmpty ? nil : refusal }
        if let keywords = changes.keywords { matter.keywords = keywords }
        return matter
    }
}

/// What `matter edit` changes; nil leaves a field as it is (an empty `refusal` clears it).
public struct MatterChanges: Sendable, Equatable {
    public var title: String?
    public var department: String?
    public var conditions: String?
    public var materials: String?
    public var fees: String?
    public var timeLimit: String?
    public var procedure: String?
    public var refusal: String?
    public var keywords: [String]?

    public init(
        title: String? = nil,
        department: String? = nil,
        conditions: String? = nil,
        materials: String? = nil,
        fees: String? = nil,
        timeLimit: String? = nil,
        procedure: String? = nil,
        refusal: String? = nil,
        keywords: [String]? = nil
    ) {
        self.title = title
        self.department = department
        self.conditions = conditions
        self.materials = materials
        self.fees = fees
        self.timeLimit = timeLimit
        self.procedure = procedure
        self.refusal = refusal
        self.keywords = keywords
    }

    public var isEmpty: Bool { self == MatterChanges() }
}

/// A matter told to a caller: its code and the version in force then (what `--told` records in the signed hop).
public struct MatterReference: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var code: String
    public var version: Int

    public init(code: String, version: Int) {
        self.code = code
        self.version = version
    }

    /// `HUKOU-01@3`: the form kept in the hop (and so covered by its hash).
    public var description: String { "\(code)@\(version)" }

    /// Reads the `CODE@N` form back.
    public init?(_ text: String) {
        guard let at = text.lastIndex(of: "@"), let version = Int(text[text.index(after: at)...]), version > 0 else {
            return nil
        }
        self.init(code: String(text[..<at]), version: version)
    }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
