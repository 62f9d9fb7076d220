/// The configurable parts of the complaint rules (`[policy]` in `hotlined.toml`).
public struct WorkflowPolicy: Sendable, Equatable, Codable {
    /// The department that receives returned cases and re-routes them (R7); QA unless configured.
    public var coordinationDepartment: String
    /// The QA department (质检部): copied on transfers (R4) and told of replies (R6).
    public var qaDepartment: String
    /// A satisfaction at or below this sends a replied case back for a redo (R16).
    public var redoThreshold: Int

    public init(coordinationDepartment: String = "QA", qaDepartment: String = "QA", redoThreshold: Int = 2) {
        self.coordinationDepartment = coordinationDepartment
        self.qaDepartment = qaDepartment
        self.redoThreshold = redoThreshold
    }
}
