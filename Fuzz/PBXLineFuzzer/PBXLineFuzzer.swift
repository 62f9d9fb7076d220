import HotlineProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// libFuzzer entry point for the PBX line framer, parser, validator and ack encoder.
///
/// Whatever bytes arrive, nothing may crash, and two invariants must hold: an event that parses re-encodes to a
/// line that parses to the same event, and every ack line the daemon would send decodes again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPBXLines(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    var framer = LineFramer(maxLineLength: 4096)
    framer.append(bytes)
    var frames: [LineFramer.Frame] = []
    while let frame = framer.nextLine() { frames.append(frame) }
    if let rest = framer.finish() { frames.append(.line(rest)) }
    for frame in frames {
        let ack: PBXAck
        switch frame {
        case .tooLong:
            ack = .refused(.lineTooLong(limit: 4096))
        case .line(let line):
            switch PBXEventParser.parse(line: line) {
            case .success(let event):
                let encoded = event.encodedLine()
                guard case .success(let again) = PBXEventParser.parse(line: encoded.dropLast()), again == event else {
                    fatalError(
                        "re-encoded event does not parse back equal: \(String(decoding: encoded, as: UTF8.self))"
                    )
                }
                ack = .accepted(id: event.id, duplicate: false)
            case .failure(let error):
                ack = .refused(error)
            }
        }
        let line = ack.encodedLine()
        guard (try? PBXAck.decode(line: line.dropLast())) == ack else {
            fatalError("ack line does not decode: \(String(decoding: line, as: UTF8.self))")
        }
    }
    return 0
}

#if !FUZZING
    /// Without libFuzzer (a normal build), the target replays corpus files: `hotline-fuzz-pbx FILE...`.
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
                _ = bytes.withUnsafeBufferPointer { fuzzPBXLines($0.baseAddress, $0.count) }
            }
        }
    }
#endif
