import ArgumentParser
import Foundation
import HotlineCore
import HotlineProtocol
import HotlineSystem

extension HotlineCtl {
    struct Watch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Follow deadline warnings and breaches as they fire, or my notices, until interrupted (Ctrl-C).",
            discussion: """
                Every daemon on the database announces what it fires; --json prints each event as one JSON line \
                (event, kind, complaint, department, due_at, fired_at, late, escalation, notice). With --mine, the \
                notices addressed to you, your department or your roles as they are written, in the shape of \
                `inbox --json`.

                Examples:
                  hotlinectl watch --json | tee -a breaches.ndjson
                  hotlinectl watch --mine
                """
        )

        @Flag(help: "My notices instead of every deadline event.") var mine = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let socket: UnixSocket
            do {
                socket = try UnixSocket.connect(path: global.socketPath)
            } catch {
                throw global.failure(
                    status: 5,
                    zh: "无法连接 hotlined（\(global.socketPath)）：\(error)",
                    en: "cannot reach hotlined at \(global.socketPath): \(error)"
                )
            }
            defer { socket.close() }
            let request = ControlRequest(.watch(mine: mine), actAs: global.actAs, language: global.language)
            try socket.write(request.encodedLine())
            var framer = LineFramer(maxLineLength: 1 << 20)
            var answered = false
            while true {
                let chunk = try socket.read()
                if chunk.isEmpty {
                    throw global.failure(status: 5, zh: "hotlined 关闭了 watch 连接", en: "hotlined closed the watch")
                }
                framer.append(chunk)
                while let frame = framer.nextLine() {
                    guard case .line(let line) = frame else { continue }
                    if !answered {
                        answered = true
                        if case .failure(let error) = try ControlResponse.decode(line: line) {
                            throw CLIFailure(status: error.code.exitStatus, message: error.message)
                        }
                        continue
                    }
                    let text = String(decoding: line, as: UTF8.self)
                    if global.json {
                        print(text)
                    } else if let json = try? JSONValue.parse(line) {
                        if mine, let notice = try? InboxNoticeView(json: json) {
                            print(
                                "\(notice.at) #\(notice.id) \(notice.complaint.map { "[\($0)] " } ?? "")\(notice.text)"
                            )
                        } else if let event = try? DeadlineAnnouncement(json: json) {
                            print(Watch.describe(event, global.language))
                        }
                    }
                    fflush(nil)  // each event as it arrives, also into a pipe
                }
            }
        }

        static func describe(_ event: DeadlineAnnouncement, _ language: Language) -> String {
            let escalation = event.escalation.map { language == .zh ? "，升级至 \($0)" : ", escalated to \($0)" } ?? ""
            let late = event.late ? (language == .zh ? "（补发）" : " (late)") : ""
            let head =
                language == .zh
                ? (event.event == "breach" ? "超时" : "预警") + " 投诉 \(event.complaint)"
                    + " \(ComplaintText.word(event.kind, .zh))（\(event.department)）"
                : "\(event.event) complaint \(event.complaint) \(event.kind) (\(event.department))"
            return "\(event.firedAt) \(head)\(escalation)\(late): \(event.notice)"
        }
    }
}
