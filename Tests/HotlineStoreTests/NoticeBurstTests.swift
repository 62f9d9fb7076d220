import Foundation
import HotlineCore
import HotlineTestSupport
import Testing

@testable import HotlineStore

/// A burst of breaches writes thousands of notices in one transaction (issue 14): their ids must all be announced,
/// in payloads PostgreSQL accepts (under 8,000 bytes each).
@Suite("Notice bursts")
struct NoticeBurstTests {
    @Test("2,500 notices in one transaction commit, and NOTIFY carries every id once, in payloads under 8,000 bytes")
    func burst() throws {
        let conninfo = try TestEnvironment.makeDatabase()
        let writer = try PGConnection(conninfo: conninfo)
        defer { writer.close() }
        _ = try Migrator(logger: TestEnvironment.logger).migrate(writer)
        let listener = try PGConnection(conninfo: conninfo)
        defer { listener.close() }
        try listener.listen(NoticeStore.channel)
        let drafts = (0..<2500).map { index in
            NoticeStore.Draft(
                topic: Notice.Topic.deadlineBreach.rawValue,
                text: LocalizedText(zh: "第\(index)条", en: "notice \(index)"),
                // The same recipient twice: written once.
                recipients: [.role(.qa), .department("QA"), .role(.qa)],
                complaint: nil,
                deadline: nil,
                urgent: false
            )
        }
        try writer.transaction { connection in
            try NoticeStore.write(drafts, at: Date(), on: connection)
        }
        let stored = try writer.query("SELECT array_agg(id ORDER BY id)::text AS ids FROM hotline.notices")
        let storedIDs = try #require(try stored.first?.decode("ids", as: String.self))
            .trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: ",").compactMap { Int64($0) }
        #expect(storedIDs.count == 2500)
        let recipients = try writer.query("SELECT count(*) AS n FROM hotline.notice_recipients")
        #expect(try recipients.first?.decode("n", as: Int.self) == 5000)

        var announced: [Int64] = []
        var payloads = 0
        let giveUp = Date().addingTimeInterval(10)
        while announced.count < storedIDs.count && Date() < giveUp {
            for notification in try listener.waitForNotifications(timeout: .milliseconds(500)) {
                #expect(notification.payload.utf8.count < 8000)
                payloads += 1
                announced += notification.payload.split(separator: ",").compactMap { Int64($0) }
            }
        }
        #expect(announced.sorted() == storedIDs)
        #expect(payloads > 1)
    }
}
