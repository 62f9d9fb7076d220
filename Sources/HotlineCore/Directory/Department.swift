/// A department of the service centre: where complaints are answered, transferred to, and charged.
public struct Department: Sendable, Hashable, Codable {
    /// A short code such as `SVC` or `QA`, used on the command line and in reports.
    public var code: String
    public var name: String
    /// The department head, warned when an accept deadline is breached (R5).
    public var head: String?
    /// The coordination office re-routes returned cases (R7); at most one department is.
    public var isCoordination: Bool

    public init(code: String, name: String, head: String? = nil, isCoordination: Bool = false) {
        self.code = code
        self.name = name
        self.head = head
        self.isCoordination = isCoordination
    }
}
