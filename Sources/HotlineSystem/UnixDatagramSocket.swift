import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A bound Unix datagram socket that receives messages, such as the sd_notify datagrams systemd reads (used by
/// tests that stand in for systemd's NOTIFY_SOCKET).
public final class UnixDatagramSocket {
    public let path: String
    private let descriptor: Int32

    public init(bindingTo path: String) throws {
        self.path = path
        descriptor = try systemCall("socket") {
            socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            Glibc.close(descriptor)
            throw SystemCallError(call: "bind", errno: ENAMETOOLONG, path: path)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result != 0 {
            let code = errno
            Glibc.close(descriptor)
            throw SystemCallError(call: "bind", errno: code, path: path)
        }
    }

    deinit {
        Glibc.close(descriptor)
        unlink(path)
    }

    /// The next datagram as text, or nil when none arrives within `timeout` seconds.
    public func receive(timeout: TimeInterval) -> String? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, 4096, 0) }
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }
}
