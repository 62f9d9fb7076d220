import Foundation
import HotlineProtocol
import Testing

/// All frames currently available.
private func drain(_ framer: inout LineFramer) -> [LineFramer.Frame] {
    var frames: [LineFramer.Frame] = []
    while let frame = framer.nextLine() { frames.append(frame) }
    return frames
}

/// Feeds `bytes` in chunks of `size` and collects every frame as soon as it is available.
private func frames(of bytes: [UInt8], chunkSize size: Int, maxLineLength: Int = 65_536) -> [LineFramer.Frame] {
    var framer = LineFramer(maxLineLength: maxLineLength)
    var result: [LineFramer.Frame] = []
    var start = 0
    while start < bytes.count {
        let end = min(start + size, bytes.count)
        framer.append(bytes[start..<end])
        result += drain(&framer)
        start = end
    }
    return result
}

private func line(_ text: String) -> LineFramer.Frame {
    .line(Array(text.utf8))
}

@Suite("LineFramer")
struct LineFramerTests {
    @Test("lines in one read")
    func oneRead() {
        var framer = LineFramer()
        framer.append(Array("first\nsecond\nthird".utf8))
        #expect(framer.nextLine() == line("first"))
        #expect(framer.nextLine() == line("second"))
        #expect(framer.nextLine() == nil)
        framer.append(Array("\n".utf8))
        #expect(framer.nextLine() == line("third"))
        #expect(framer.nextLine() == nil)
    }

    @Test("the same frames whatever the read sizes", arguments: [1, 2, 3, 7, 64, 100_000])
    func splitReads(size: Int) {
        let text = "{\"v\":1,\"from_name\":\"张三\"}\r\n\n\r\nsecond line\nthird\r\n"
        #expect(
            frames(of: Array(text.utf8), chunkSize: size) == [
                line("{\"v\":1,\"from_name\":\"张三\"}"), line("second line"), line("third"),
            ]
        )
    }

    @Test("byte by byte")
    func byteByByte() {
        var framer = LineFramer()
        var result: [LineFramer.Frame] = []
        for byte in "ab\r\ncd\n".utf8 {
            framer.append([byte])
            result += drain(&framer)
        }
        #expect(result == [line("ab"), line("cd")])
    }

    @Test("CRLF: only a trailing CR is stripped")
    func carriageReturns() {
        #expect(
            frames(of: Array("a\rb\r\n\r\r\n\r\n".utf8), chunkSize: 100) == [line("a\rb"), line("\r")]
        )
    }

    @Test("empty lines are skipped")
    func emptyLines() {
        #expect(frames(of: Array("\n\n\r\nx\n\n".utf8), chunkSize: 3) == [line("x")])
    }

    @Test("a line is not returned before its newline; finish() hands out the rest")
    func finish() {
        var framer = LineFramer()
        framer.append(Array("complete\npartial\r".utf8))
        #expect(framer.nextLine() == line("complete"))
        #expect(framer.nextLine() == nil)
        #expect(framer.bufferedByteCount == 8)
        #expect(framer.finish() == Array("partial".utf8))
        #expect(framer.finish() == nil)
        #expect(framer.bufferedByteCount == 0)
    }

    @Test("a line of exactly the limit is accepted, one byte more is too long")
    func limitIsInclusive() {
        let limit = 10
        let exact = String(repeating: "a", count: limit)
        for size in [1, 3, 100] {
            #expect(frames(of: Array("\(exact)\n".utf8), chunkSize: size, maxLineLength: limit) == [line(exact)])
            #expect(frames(of: Array("\(exact)\r\n".utf8), chunkSize: size, maxLineLength: limit) == [line(exact)])
            #expect(
                frames(of: Array("\(exact)b\nok\n".utf8), chunkSize: size, maxLineLength: limit)
                    == [.tooLong(prefixBytes: 11), line("ok")]
            )
            #expect(
                frames(of: Array("\(exact)bc\nok\n".utf8), chunkSize: size, maxLineLength: limit)
                    == [.tooLong(prefixBytes: 12), line("ok")]
            )
            #expect(
                frames(of: Array("\(exact)b\r\nok\n".utf8), chunkSize: size, maxLineLength: limit)
                    == [.tooLong(prefixBytes: 12), line("ok")]
            )
        }
    }

    @Test("a 1 MiB line is reported once, then the next line comes through", arguments: [1, 4096, 65_536, 3_000_000])
    func oneMebibyteLine(size: Int) {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        let valid = #"{"v":1,"id":"e1"}"#
        let stream = Array("before\n".utf8) + long + [UInt8(ascii: "\n")] + Array("\(valid)\n".utf8)
        #expect(
            frames(of: stream, chunkSize: size) == [
                line("before"), .tooLong(prefixBytes: 65_538), line(valid),
            ]
        )
    }

    @Test("the over-long report comes before the line ends, and the rest of the line is not held")
    func reportedEarly() {
        var framer = LineFramer(maxLineLength: 100)
        framer.append([UInt8](repeating: 0x41, count: 101))
        #expect(framer.nextLine() == nil)
        #expect(framer.bufferedByteCount == 101)
        framer.append([0x41])
        #expect(framer.nextLine() == .tooLong(prefixBytes: 102))
        #expect(framer.isDiscarding)
        #expect(framer.bufferedByteCount == 0)
        framer.append([UInt8](repeating: 0x41, count: 10_000))
        #expect(framer.nextLine() == nil)
        #expect(framer.bufferedByteCount == 0)
        framer.append(Array("tail\nnext\n".utf8))
        #expect(!framer.isDiscarding)
        #expect(framer.nextLine() == line("next"))
        #expect(framer.nextLine() == nil)
    }

    @Test("memory stays bounded through a 1 GiB line")
    func oneGibibyteLine() {
        var framer = LineFramer()
        let chunk = [UInt8](repeating: UInt8(ascii: "y"), count: 1 << 16)
        var reports: [LineFramer.Frame] = []
        var peak = 0
        for _ in 0..<(1 << 14) {
            framer.append(chunk)
            peak = max(peak, framer.bufferedByteCount)
            reports += drain(&framer)
        }
        framer.append(Array("\nafter\n".utf8))
        reports += drain(&framer)
        #expect(reports == [.tooLong(prefixBytes: 65_538), line("after")])
        #expect(peak <= 65_537)
    }

    @Test("many small reads of many lines")
    func manySmallReads() {
        var text = ""
        for index in 0..<20_000 { text += "{\"id\":\"e\(index)\"}\n" }
        let bytes = Array(text.utf8)
        let result = frames(of: bytes, chunkSize: 5)
        #expect(result.count == 20_000)
        #expect(result.first == line("{\"id\":\"e0\"}"))
        #expect(result.last == line("{\"id\":\"e19999\"}"))
    }

    @Test("lines queue up when the reader does not drain at once")
    func undrainedQueue() {
        var framer = LineFramer()
        for index in 0..<5_000 { framer.append(Array("l\(index)\n".utf8)) }
        var count = 0
        while let frame = framer.nextLine() {
            #expect(frame == (count == 5_000 ? line("extra") : line("l\(count)")))
            count += 1
            if count == 2_500 { framer.append(Array("extra\n".utf8)) }
        }
        #expect(count == 5_001)
    }

    @Test("sequences without contiguous storage are framed the same way")
    func nonContiguous() {
        var framer = LineFramer(maxLineLength: 8)
        framer.append(Array("ab\nc".utf8).lazy.map { $0 })
        framer.append((0..<100_000).lazy.map { _ in UInt8(ascii: "z") })
        framer.append("\nok\n".utf8)
        #expect(drain(&framer) == [line("ab"), .tooLong(prefixBytes: 10), line("ok")])
    }

    @Test("Data is accepted")
    func data() {
        var framer = LineFramer()
        framer.append(Data("a\nb\n".utf8))
        #expect(drain(&framer) == [line("a"), line("b")])
    }
}
