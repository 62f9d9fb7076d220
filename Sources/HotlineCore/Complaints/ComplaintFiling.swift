/// What a complaint is filed with (R1): what the operator typed; with `callID`, the register fills in the caller's
/// name and number and the time the 1-hour clock starts.
public struct ComplaintFiling: Sendable, Equatable {
    public var callID: String?
    public var callerName: String?
    public var callerPhone: PhoneNumber?
    public var callerAddress: String?
    public var matter: String
    public var category: String?
    /// 紧急重大事项 (R12).
    public var urgent: Bool

    public init(
        callID: String? = nil,
        callerName: String? = nil,
        callerPhone: PhoneNumber? = nil,
        callerAddress: String? = nil,
        matter: String,
        category: String? = nil,
        urgent: Bool = false
    ) {
        self.callID = callID
        self.callerName = callerName
        self.callerPhone = callerPhone
        self.callerAddress = callerAddress
        self.matter = matter
        self.category = category
        self.urgent = urgent
    }
}
