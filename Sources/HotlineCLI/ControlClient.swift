import Foundation
import HotlineCore
import HotlineProtocol
import HotlineSystem

/// Talks to the daemon's control socket: one request line out, one answer line back.
struct ControlClient {
    let path: String
    let language: Language

    func exchange(_ request: ControlRequest) throws -> ControlResponse {
        let socket: UnixSocket
        do {
            socket = try UnixSocket.connect(path: path)
        } catch {
            throw CLIFailure(
                status: 5,
                message: language == .zh
                    ? "无法连接 hotlined（\(path)）：\(error)（守护进程是否在运行？参见 --socket）"
                    : "cannot reach hotlined at \(path): \(error) (is the daemon running? see --socket)"
            )
        }
        defer { socket.close() }
        do {
            try socket.write(request.encodedLine())
            var buffer: [UInt8] = []
            while true {
                let chunk = try socket.read()
                if chunk.isEmpty { break }
                buffer += chunk
                if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    return try ControlResponse.decode(line: buffer[..<newline])
                }
            }
        } catch let error as ControlError {
            throw CLIFailure(status: 1, message: error.message)
        } catch {
            throw CLIFailure(
                status: 5,
                message: LocalizedText(
                    zh: "与 hotlined（\(path)）的连接中断：\(error)",
                    en: "lost the connection to hotlined at \(path): \(error)"
                ).text(in: language)
            )
        }
        throw CLIFailure(
            status: 5,
            message: LocalizedText(
                zh: "hotlined（\(path)）未作答就关闭了连接",
                en: "hotlined at \(path) closed the connection without answering"
            ).text(in: language)
        )
    }
}
