import HotlineCore
import Testing

@Suite("FirstResponder (R2)")
struct FirstResponderTests {
    private func staff(_ login: String, _ rank: Int) -> StaffCandidate {
        StaffCandidate(login: login, rank: rank)
    }

    @Test("nobody to choose from")
    func empty() {
        #expect(FirstResponder.choose([]) == nil)
    }

    @Test("a single answering staff member is the first responder")
    func single() {
        #expect(FirstResponder.choose([staff("zhangsan", 1)]) == staff("zhangsan", 1))
    }

    @Test("the higher rank wins wherever it is listed")
    func higherRankWins() {
        #expect(FirstResponder.choose([staff("clerk", 1), staff("head", 5)])?.login == "head")
        #expect(FirstResponder.choose([staff("head", 5), staff("clerk", 1)])?.login == "head")
        #expect(FirstResponder.choose([staff("a", 1), staff("b", 2), staff("c", 3), staff("d", 2)])?.login == "c")
    }

    @Test("equal rank: the first listed wins")
    func firstListedOnTie() {
        #expect(FirstResponder.choose([staff("wangwu", 3), staff("lisi", 3)])?.login == "wangwu")
        #expect(FirstResponder.choose([staff("lisi", 3), staff("wangwu", 3)])?.login == "lisi")
        #expect(
            FirstResponder.choose([staff("a", 1), staff("b", 4), staff("c", 4), staff("d", 2), staff("e", 4)])?.login
                == "b"
        )
    }

    @Test("negative and zero ranks compare normally")
    func negativeRanks() {
        #expect(FirstResponder.choose([staff("a", -3), staff("b", 0), staff("c", -1)])?.login == "b")
        #expect(FirstResponder.choose([staff("a", -3), staff("b", -3)])?.login == "a")
    }
}
