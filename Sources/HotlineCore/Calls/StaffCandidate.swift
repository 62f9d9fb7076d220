/// A staff member who could be a call's first responder: the login and the rank (职务) that R2 compares.
public struct StaffCandidate: Hashable, Sendable, Codable {
    /// The staff login name.
    public var login: String
    /// The rank of the post; a higher number is a higher post.
    public var rank: Int

    public init(login: String, rank: Int) {
        self.login = login
        self.rank = rank
    }
}
