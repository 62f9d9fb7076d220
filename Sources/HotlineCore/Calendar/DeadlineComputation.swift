import Foundation

/// A due time together with the account of how it was reached, so `complaint show` can explain it (SPEC §3).
public struct DeadlineComputation: Sendable, Equatable, Codable {
    public var dueAt: Date
    public var explanation: DeadlineExplanation

    public init(dueAt: Date, explanation: DeadlineExplanation) {
        self.dueAt = dueAt
        self.explanation = explanation
    }
}
