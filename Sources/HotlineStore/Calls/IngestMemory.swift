import HotlineCore

/// What one ingest worker remembers between batches, so that a batch can be stored in one round trip instead of
/// two (``CallRegisterStore/ingest(_:on:memory:)``): the record it last wrote or read for each call still going on,
/// and whom each answering extension last resolved to.
///
/// A memory is only ever a guess. Every use of it is checked by PostgreSQL inside the batch's own transaction, and
/// a wrong guess costs one rolled-back attempt, never a wrong record: another daemon may write the same calls, and
/// the directory changes under it.
public struct IngestMemory: Sendable {
    /// A call's record as stored: `text` is the `record` column exactly, the value the check compares.
    struct StoredCall: Sendable {
        var record: CallRecord
        var text: String?
    }

    /// Calls remembered at most; past it the memory starts afresh (a few minutes of a busy hotline's calls).
    static let capacity = 20_000

    private(set) var calls: [String: StoredCall] = [:]
    private(set) var staff: [String: StaffCandidate] = [:]
    /// Batches stored in one round trip, and those whose guess was wrong and that were stored again the long way.
    public private(set) var quick = 0
    public private(set) var missed = 0

    public init() {}

    mutating func remember(_ call: StoredCall) {
        // An ended call rarely hears of again; forgetting it keeps the memory to the calls in progress.
        if call.record.endedAt != nil {
            calls[call.record.callID] = nil
            return
        }
        if calls.count >= Self.capacity { calls.removeAll(keepingCapacity: true) }
        calls[call.record.callID] = call
    }

    mutating func remember(extension number: String, answeredBy candidate: StaffCandidate?) {
        staff[number] = candidate
    }

    mutating func forget(calls callIDs: some Sequence<String>) {
        for callID in callIDs { calls[callID] = nil }
    }

    mutating func countQuick() { quick += 1 }

    mutating func countMissed() { missed += 1 }
}
