import Foundation
import HotlineCore

extension ComplaintStore {
    /// `complaint merge DUPLICATE --into SURVIVOR`: decided by ``ComplaintWorkflow/merge(_:into:survivorMergedInto:reason:by:policy:)``
    /// and written in one transaction — the duplicate closed with its hop and its pending deadlines cancelled,
    /// `merged_into` set, and a hop on the survivor. Both rows are locked in id order, so two merges of the same
    /// pair cannot deadlock. Returns the hops written on both, committed, to be anchored.
    @discardableResult
    public static func merge(
        _ duplicateID: String,
        into survivorID: String,
        reason: String,
        by actor: ActingStaff,
        at now: Date,
        context: ComplaintContext,
        on connection: PGConnection
    ) throws -> [AnchoredHop] {
        try retryingConflicts(on: connection) {
            try connection.transaction { connection in
                var snapshots: [String: (ComplaintSnapshot, Date)] = [:]
                let ids = [duplicateID, survivorID].sorted { (Int64($0) ?? 0) < (Int64($1) ?? 0) }
                for id in ids where snapshots[id] == nil {
                    guard let locked = try lockSnapshot(id, on: connection) else {
                        throw ComplaintStoreError.complaintNotFound(id)
                    }
                    snapshots[id] = locked
                }
                guard let (duplicate, receivedAt) = snapshots[duplicateID], let (survivor, _) = snapshots[survivorID]
                else { throw ComplaintStoreError.complaintNotFound(duplicateID) }
                let survivorMergedInto = try connection.query(
                    "SELECT merged_into FROM hotline.complaints WHERE id = $1::bigint",
                    [survivorID]
                ).first.flatMap { try $0.decodeIfPresent("merged_into", as: Int64.self) }.map(String.init)
                let merge = try ComplaintWorkflow.merge(
                    duplicate,
                    into: survivor,
                    survivorMergedInto: survivorMergedInto,
                    reason: reason,
                    by: actor,
                    policy: context.workflow
                )
                let duplicateHops = try write(
                    merge.duplicate,
                    complaint: duplicateID,
                    receivedAt: receivedAt,
                    at: now,
                    context: context,
                    on: connection
                )
                try connection.command(
                    "UPDATE hotline.complaints SET merged_into = $2::bigint WHERE id = $1::bigint",
                    [duplicateID, survivorID]
                )
                // The survivor's state, deadlines and quiet period stay as they are: only its trail records the merge.
                return duplicateHops
                    + (try appendHops(merge.survivor.hops, complaint: survivorID, at: now, on: connection))
            }
        }
    }
}
