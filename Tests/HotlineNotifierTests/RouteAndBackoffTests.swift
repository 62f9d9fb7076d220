import HotlineNotifier
import Testing

@Suite("routes and backoff")
struct RouteAndBackoffTests {
    private let inst = NoticeRecipient(kind: "department", name: "INST")
    private let vp = NoticeRecipient(kind: "role", name: "vp")
    private let zhang = NoticeRecipient(kind: "staff", name: "zhangsan")

    @Test("empty filters match every notice")
    func emptyFilters() {
        let route = Route(name: "all", topics: [], recipients: [], channels: ["a"])
        #expect(route.matches(topic: "transferred", recipients: [inst]))
        #expect(route.matches(topic: "deadline_breach", recipients: []))
    }

    @Test("a topic filter matches only its topics")
    func topics() {
        let route = Route(name: "r", topics: ["urgent_filed", "urgent_unread"], recipients: [], channels: ["a"])
        #expect(route.matches(topic: "urgent_filed", recipients: [vp]))
        #expect(!route.matches(topic: "transferred", recipients: [vp]))
    }

    @Test("a recipient filter matches when any recipient of the notice is listed, or its kind with *")
    func recipients() {
        let route = Route(name: "r", topics: [], recipients: ["department:INST", "role:gm"], channels: ["a"])
        #expect(route.matches(topic: "transferred", recipients: [zhang, inst]))
        #expect(!route.matches(topic: "transferred", recipients: [zhang, vp]))
        #expect(!route.matches(topic: "transferred", recipients: []))
        let anyRole = Route(name: "r", topics: [], recipients: ["role:*"], channels: ["a"])
        #expect(anyRole.matches(topic: "escalated", recipients: [vp]))
        #expect(!anyRole.matches(topic: "escalated", recipients: [inst]))
    }

    @Test("both filters must hold")
    func both() {
        let route = Route(name: "r", topics: ["transferred"], recipients: ["department:INST"], channels: ["a"])
        #expect(route.matches(topic: "transferred", recipients: [inst]))
        #expect(!route.matches(topic: "accepted", recipients: [inst]))
        #expect(!route.matches(topic: "transferred", recipients: [vp]))
    }

    @Test("backoff doubles from 1 s and stops at 10 minutes")
    func backoff() {
        #expect(Backoff.delay(afterFailures: 1) == .seconds(1))
        #expect(Backoff.delay(afterFailures: 2) == .seconds(2))
        #expect(Backoff.delay(afterFailures: 5) == .seconds(16))
        #expect(Backoff.delay(afterFailures: 10) == .seconds(512))
        #expect(Backoff.delay(afterFailures: 11) == .seconds(600))
        #expect(Backoff.delay(afterFailures: 1000) == .seconds(600))
    }
}
