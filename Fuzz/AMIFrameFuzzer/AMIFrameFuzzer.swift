import Foundation
import HotlineCore
import HotlinePBXBridge
import HotlineProtocol

/// libFuzzer entry point for the AMI frame parser, the login conversation and the Asterisk call model
/// (`scripts/fuzz-ami.sh`; the seed corpus is the recorded transcripts in Fuzz/corpus/ami).
///
/// Whatever bytes a manager sends, nothing may crash, and: parsing them in pieces (the first byte chooses the piece
/// size) gives the same items as parsing them whole; every event the model makes that hotlined would accept
/// re-encodes to a line that parses to the same event.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAMIFrames(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let whole = items(of: bytes, pieceSize: max(1, bytes.count))
    let pieceSize = Int(bytes.first ?? 1) % 64 + 1
    guard items(of: bytes, pieceSize: pieceSize) == whole else {
        fatalError("parsing in pieces of \(pieceSize) differs from parsing whole")
    }
    var session = AMISession(user: "hotline", secret: "s3cret", method: .md5)
    // The policy the bridge runs with by default, with an inbound number so that that path is reached too.
    let withheld = (try? PhoneNumber(validating: "000"))!
    var model = AsteriskCallModel(policy: CallPolicy(inbound: ["12345"], withheldNumber: withheld, systemName: "pbx"))
    let at = Date(timeIntervalSince1970: 1_796_018_840)
    for item in whole {
        var frames: [AMIFrame] = []
        if case .frame(let frame) = item { frames.append(frame) }
        for step in session.receive(item) {
            if case .event(let frame) = step, !frames.contains(frame) { frames.append(frame) }
            if case .channelsUp(let linkedIDs) = step {
                model.beginReconciliation()
                check(model.finishReconciliation(activeCallIDs: linkedIDs, at: at))
            }
        }
        // Events are fed whether or not the scripted session logged in, so the model sees every frame.
        for frame in frames { check(model.handle(frame, at: at)) }
    }
    guard model.callsInProgress >= 0 else { fatalError("negative calls in progress") }
    return 0
}

private func items(of bytes: [UInt8], pieceSize: Int) -> [AMIFrameParser.Item] {
    var parser = AMIFrameParser(maxLineLength: 1024, maxFields: 64)
    var result: [AMIFrameParser.Item] = []
    var offset = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + pieceSize)
        parser.append(bytes[offset..<end])
        offset = end
        while let item = parser.next() { result.append(item) }
    }
    return result
}

private func check(_ events: [PBXEvent]) {
    for event in events {
        let line = event.encodedLine()
        // The bridge drops what hotlined would refuse (an extension of 40 characters from a broken frame).
        guard case .success = PBXEventParser.parse(line: line.dropLast()) else { continue }
        guard case .success(let again) = PBXEventParser.parse(line: line.dropLast()), again == event else {
            fatalError("event does not parse back equal: \(String(decoding: line, as: UTF8.self))")
        }
    }
}
