import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore

/// `caller show`: a number's calls and complaints (重复来电, SPEC §12), for the operator who picks up its next call.
extension ControlHandler {
    /// How many of each the history shows: enough for any real caller, bounded for a number that floods the line.
    private static let historyLimit = 200

    func callerHistory(_ phone: PhoneNumber) throws -> JSONValue {
        let (complaints, calls) = try database.withConnectionBlocking { connection in
            (
                try CallerQueries.complaints(of: phone, limit: Self.historyLimit, on: connection),
                try CallerQueries.calls(of: phone, limit: Self.historyLimit, on: connection)
            )
        }
        let name =
            complaints.first(where: { $0.callerName != nil })?.callerName
            ?? calls.first(where: { $0.fromName != nil })?.fromName
        return CallerHistoryView(
            phone: phone.normalized,
            name: name,
            openComplaints: complaints.filter(\.isOpen).count,
            complaints: complaints.map { complaint in
                CallerHistoryView.Complaint(
                    id: complaint.id,
                    state: complaint.state,
                    open: complaint.isOpen,
                    department: complaint.department,
                    matter: complaint.matter,
                    receivedAt: TimeFormatting.rfc3339(complaint.receivedAt, timeZone: timeZone),
                    call: complaint.callID
                )
            },
            calls: calls.map { $0.view(timeZone: timeZone) }
        ).json
    }
}
