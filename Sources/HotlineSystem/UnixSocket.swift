import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An errno value from a failed system call, with the call named.
public struct SystemCallError: Error, Sendable, CustomStringConvertible {
    public var call: String
    public var errno: Int32
    public var path: String?

    public var description: String {
        let reason = String(cString: strerror(errno))
        if let path { return "\(call) \(path): \(reason)" }
        return "\(call): \(reason)"
    }
}

/// Runs a system call, retrying on EINTR, and turns -1 into a ``SystemCallError``.
@discardableResult
func systemCall<T: FixedWidthInteger>(_ name: String, path: String? = nil, _ body: () -> T) throws -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = errno
        if code == EINTR { continue }
        throw SystemCallError(call: name, errno: code, path: path)
    }
}

/// A Unix stream socket file descriptor. This file is the only one that makes socket system calls; code elsewhere
/// never sees -1 or errno.
///
/// - Important: the owner calls ``close()`` exactly once.
public struct UnixSocket: Sendable, Hashable {
    public let descriptor: Int32

    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Binds and listens on `path` with the given mode (and group), replacing a stale socket file left by a
    /// crashed daemon but refusing to replace anything that is not a socket.
    public static func listen(path: String, mode: Int, group: String?, backlog: Int32 = 128) throws -> UnixSocket {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var status = stat()
        if lstat(path, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFSOCK else {
                throw SystemCallError(call: "bind (path exists and is not a socket)", errno: EEXIST, path: path)
            }
            unlink(path)
        }
        let descriptor = try systemCall("socket") {
            socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        let listener = UnixSocket(descriptor: descriptor)
        do {
            var address = try makeAddress(path)
            try withUnsafePointer(to: &address) { pointer in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                    _ = try systemCall("bind", path: path) {
                        bind(descriptor, raw, socklen_t(MemoryLayout<sockaddr_un>.size))
                    }
                }
            }
            try systemCall("chmod", path: path) { chmod(path, mode_t(mode)) }
            if let group {
                guard let entry = getgrnam(group) else {
                    throw SystemCallError(call: "getgrnam (unknown socket group '\(group)')", errno: ENOENT, path: path)
                }
                try systemCall("chown", path: path) { chown(path, uid_t.max, entry.pointee.gr_gid) }
            }
            try systemCall("listen", path: path) { Glibc.listen(descriptor, backlog) }
        } catch {
            listener.close()
            throw error
        }
        return listener
    }

    /// Connects to a listening socket (the client side, used by tests and tools).
    public static func connect(path: String) throws -> UnixSocket {
        let descriptor = try systemCall("socket") {
            socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        let client = UnixSocket(descriptor: descriptor)
        do {
            var address = try makeAddress(path)
            try withUnsafePointer(to: &address) { pointer in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                    _ = try systemCall("connect", path: path) {
                        Glibc.connect(descriptor, raw, socklen_t(MemoryLayout<sockaddr_un>.size))
                    }
                }
            }
        } catch {
            client.close()
            throw error
        }
        return client
    }

    /// Waits for the next connection; returns nil when the listener was shut down.
    public func accept() throws -> UnixSocket? {
        while true {
            let result = Glibc.accept(descriptor, nil, nil)
            if result >= 0 {
                _ = fcntl(result, F_SETFD, FD_CLOEXEC)
                return UnixSocket(descriptor: result)
            }
            switch errno {
            case EINTR, ECONNABORTED: continue
            case EBADF, EINVAL: return nil
            default: throw SystemCallError(call: "accept", errno: errno, path: nil)
            }
        }
    }

    /// Reads what is available, up to `maximum` bytes; an empty array means the peer closed.
    public func read(maximum: Int = 65536) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        let count = try buffer.withUnsafeMutableBytes { raw in
            try systemCall("read") { Glibc.read(descriptor, raw.baseAddress, maximum) }
        }
        return Array(buffer.prefix(count))
    }

    /// Writes everything, looping over short writes.
    public func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = try bytes.withUnsafeBytes { raw in
                try systemCall("write") {
                    Glibc.send(descriptor, raw.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                }
            }
            offset += written
        }
    }

    /// Bounds how long a read may block, so an idle or half-written connection cannot hold a thread forever.
    public func setReceiveTimeout(seconds: Int) throws {
        // struct timeval is two longs (tv_sec, tv_usec) on every 64-bit Linux.
        var value: (Int, Int) = (seconds, 0)
        try systemCall("setsockopt") {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<(Int, Int)>.size))
        }
    }

    /// The Unix user of the connected peer process (SO_PEERCRED): the identity the control socket trusts.
    public func peerCredentials() throws -> PeerCredentials {
        var credentials = KernelPeerCredentials(pid: 0, uid: 0, gid: 0)
        var length = socklen_t(MemoryLayout<KernelPeerCredentials>.size)
        try systemCall("getsockopt(SO_PEERCRED)") {
            getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, &credentials, &length)
        }
        return PeerCredentials(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid)
    }

    /// Stops accepting (for a listener) or reading (for a connection) without closing the descriptor yet.
    public func shutdown() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// True once the peer has closed its end (a read would return end-of-file); never blocks.
    public func isClosedByPeer() -> Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 0) > 0 else { return false }
        if poller.revents & Int16(POLLHUP | POLLERR) != 0 { return true }
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0
    }

    /// True when a read would return at once (bytes waiting, or the peer's end-of-file); never blocks. Lets a
    /// reader that commits per batch keep reading while more is already there.
    public func hasInputReady() -> Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, 0) > 0
    }

    /// Stops reading: a blocked `read` returns end-of-file, while writes (acks of what was read) still go out.
    public func shutdownReading() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_RD))
    }

    public func close() {
        _ = Glibc.close(descriptor)
    }

    /// Whether a descriptor is a listening Unix stream socket (for sockets passed by systemd).
    public static func isListeningUnixSocket(_ descriptor: Int32) -> Bool {
        var accepting: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 && accepting == 1
    }

    /// The path a Unix socket is bound to (getsockname), nil for an unbound or abstract socket.
    public static func boundPath(of descriptor: Int32) -> String? {
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let result = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0, address.sun_family == sa_family_t(AF_UNIX) else { return nil }
        let path = withUnsafeBytes(of: &address.sun_path) { raw -> String in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        return path.isEmpty ? nil : path
    }

    private static func makeAddress(_ path: String) throws -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw SystemCallError(
                call: "bind (socket path longer than \(capacity - 1) bytes)",
                errno: ENAMETOOLONG,
                path: path
            )
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }
}

/// Linux's `struct ucred` (pid_t, uid_t, gid_t), which Glibc only exposes under _GNU_SOURCE.
private struct KernelPeerCredentials {
    var pid: Int32
    var uid: UInt32
    var gid: UInt32
}

/// Who is on the other end of a Unix socket, as the kernel vouches.
public struct PeerCredentials: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    /// The Unix user name of `uid`, nil when the system has no such user.
    public var userName: String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return String(cString: entry.pw_name)
    }
}

/// Looks up Unix users by name (for the embedded cluster's owner).
public enum UnixUsers {
    public static func ids(of user: String) -> (uid: UInt32, gid: UInt32)? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwnam_r(user, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return (entry.pw_uid, entry.pw_gid)
    }

    public static var isRoot: Bool { geteuid() == 0 }
}
