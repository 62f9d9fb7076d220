import HotlineCore

/// A document the daemon answers with: encoded once by the daemon, decoded by `hotlinectl` for its human form,
/// through ``JSONValueEncoder`` (field order as declared, `null` for an absent optional).
public protocol ControlReply: Codable, Sendable {}

extension ControlReply {
    /// The wire form. The reply types hold only strings, numbers, booleans and arrays of them, so encoding does
    /// not fail.
    public var json: JSONValue { (try? JSONValueEncoder().encode(self)) ?? .null }

    /// Reads the wire form; a field missing or of the wrong kind is an error naming it.
    public init(json: JSONValue) throws {
        self = try JSONValueDecoder().decode(Self.self, from: json)
    }
}

extension Array: ControlReply where Element: ControlReply {}
extension ComplaintView: ControlReply {}
extension CalendarMonthView: ControlReply {}
extension CalendarImportReport: ControlReply {}
extension AuditReport: ControlReply {}
extension AuditSeal: ControlReply {}

/// A department as `dept add|list` give it.
public struct DepartmentRecord: ControlReply, Equatable {
    public var code: String
    public var name: String
    public var head: String?
    /// The coordination office of R7.
    public var coordination: Bool

    public init(_ department: Department) {
        code = department.code
        name = department.name
        head = department.head
        coordination = department.isCoordination
    }

    public var department: Department {
        Department(code: code, name: name, head: head, isCoordination: coordination)
    }
}

/// A staff member as `staff add|list` give them; roles in the order of ``Role`` (operator first, admin last).
public struct StaffRecord: ControlReply, Equatable {
    public var login: String
    public var name: String
    public var department: String
    public var rank: Int
    public var roles: [String]
    public var `extension`: String?

    public init(_ member: StaffMember) {
        login = member.login
        name = member.name
        department = member.department
        rank = member.rank
        roles = member.roles.sorted().map(\.rawValue)
        `extension` = member.extension
    }
}
