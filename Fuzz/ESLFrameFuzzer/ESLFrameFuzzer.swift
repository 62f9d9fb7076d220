import Foundation
import HotlineCore
import HotlinePBXBridge
import HotlineProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// Small limits, so that oversize frames are reached by short inputs.
private let limits = ESLFrameParser.Limits(maxHeaderBlockBytes: 2048, maxBodyBytes: 16_384)

private let configuration: FreeSWITCHCallModel.Configuration = {
    do {
        return try FreeSWITCHCallModel.Configuration(
            systemName: "fuzz",
            inboundNumbers: ["12345"],
            agentMap: ["8001": "zhang.wei"],
            withheldNumber: try PhoneNumber(validating: "10000"),
            utcOffsetSeconds: 8 * 3600
        )
    } catch {
        fatalError("fuzz configuration: \(error)")
    }
}()

/// Every result of one parser fed `bytes` in chunks whose sizes cycle through `sizes`, checking the memory bound.
private func parse(_ bytes: ArraySlice<UInt8>, chunkSizes sizes: [Int]) -> [Result<ESLMessage, ESLFrameError>] {
    var parser = ESLFrameParser(limits: limits)
    var results: [Result<ESLMessage, ESLFrameError>] = []
    var start = bytes.startIndex
    var turn = 0
    while start < bytes.endIndex {
        let size = sizes[turn % sizes.count]
        turn += 1
        let end = min(start + size, bytes.endIndex)
        parser.append(bytes[start..<end])
        while let result = parser.next() { results.append(result) }
        // A complete header block plus a complete body plus the read that completes them.
        guard parser.bufferedByteCount <= limits.maxHeaderBlockBytes + limits.maxBodyBytes + size else {
            fatalError("ESL parser holds \(parser.bufferedByteCount) bytes, over its bound")
        }
        start = end
    }
    return results
}

/// A PBX socket event the daemon would refuse is a bug: the bridge would send it forever.
private func checkWire(_ events: [PBXEvent]) {
    for event in events {
        let line = event.encodedLine()
        guard case .success(let again) = PBXEventParser.parse(line: line.dropLast()), again == event else {
            fatalError("model event does not parse back equal: \(String(decoding: line, as: UTF8.self))")
        }
    }
}

/// libFuzzer entry point for the ESL frame parser, event decoder, `show channels` and agent list readers, the
/// FreeSWITCH call model and the session around it.
///
/// Invariants: nothing crashes; parsing in chunks (sizes taken from the input's first bytes) gives the same
/// results as parsing in one piece; the parser's buffer stays bounded; every event the model derives is one
/// hotlined accepts and re-reads equal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzESLFrames(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let sizes = bytes.prefix(3).map { Int($0 % 64) + 1 }
    let whole = parse(bytes[...], chunkSizes: [max(bytes.count, 1)])
    if !sizes.isEmpty {
        let chunked = parse(bytes[...], chunkSizes: sizes)
        guard chunked == whole else { fatalError("chunks of \(sizes) parse differently from one piece") }
    }
    var model = FreeSWITCHCallModel(configuration: configuration)
    let receivedAt = Date(timeIntervalSince1970: 1_796_020_593)
    for result in whole {
        switch result {
        case .success(.event(let event)):
            checkWire(model.handle(event, receivedAt: receivedAt))
        case .success(.apiResponse(let body)):
            if let list = try? FreeSWITCHChannelList.parse(body) {
                checkWire(model.reconcile(upChannels: list.uuids, at: receivedAt))
            }
            if let agents = try? FreeSWITCHAgentList.parse(body) { checkWire(model.learnAgents(agents)) }
        case .failure(let error):
            _ = error.description
        default:
            break
        }
    }
    checkWire(model.reconcile(upChannels: [], at: receivedAt))
    guard model.callsInProgress == 0 else { fatalError("calls left after reconciling with no channel up") }
    _ = model.takeWarnings()

    // The same stream as a bridge's conversation: api replies only count after the handshake.
    var session = FreeSWITCHSession(password: "ClueCon", model: FreeSWITCHCallModel(configuration: configuration))
    for result in whole {
        for action in session.receive(result, now: receivedAt) {
            if case .emit(let event) = action { checkWire([event]) }
        }
    }
    return 0
}

#if !FUZZING
    /// Without libFuzzer (a normal build), the target replays corpus files: `hotline-fuzz-esl FILE...`.
    @main
    struct CorpusReplay {
        static func main() {
            for path in CommandLine.arguments.dropFirst() {
                guard let file = fopen(path, "rb") else { continue }
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = fread(&buffer, 1, buffer.count, file)
                    if count <= 0 { break }
                    bytes += buffer.prefix(count)
                }
                fclose(file)
                _ = bytes.withUnsafeBufferPointer { fuzzESLFrames($0.baseAddress, $0.count) }
            }
        }
    }
#endif
