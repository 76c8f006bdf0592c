import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP server (127.0.0.1, a free port) that misbehaves on purpose, on plain
/// POSIX sockets so that nothing tidies the bytes up: it reads each request (head and
/// `Content-Length` body), counts it, then writes exactly the bytes it was given and ends
/// the connection as told: a close, a TCP reset (`SO_LINGER` 0), or a stall that keeps the
/// connection open until ``stop()``.
///
/// One thread serves every connection, one after the other. Every loop is bounded: the
/// accept loop polls a stop flag every 50 ms, a request is read for at most 10 s and
/// 64 KiB, an answer is written for at most 20 s (non-blocking writes, `MSG_NOSIGNAL`:
/// a client that goes away gives EPIPE, never a SIGPIPE that would kill the test runner).
final class FaultServer: @unchecked Sendable {
    enum Ending {
        /// `close()`: an orderly FIN after the bytes.
        case close
        /// `SO_LINGER` 0 then `close()`: an RST, whatever the client has not read is lost.
        case reset
        /// Keep the connection open, silent, until the server stops.
        case stall
    }

    struct Reply {
        var bytes: [UInt8]
        var ending: Ending

        init(_ bytes: [UInt8], then ending: Ending) {
            self.bytes = bytes
            self.ending = ending
        }

        init(_ text: String, then ending: Ending) {
            self.init(Array(text.utf8), then: ending)
        }
    }

    let port: Int
    private let listener: Int32
    private let reply: Reply
    private let lock = NSLock()
    private var stopped = false
    private var heads: [String] = []
    private var bytesWritten = 0
    private var held: [Int32] = []
    private let received = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts listening and serving; every connection gets `reply`.
    init(_ reply: Reply) throws {
        self.reply = reply
        (listener, port) = try listenOnLoopback()
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The request heads read so far (request line and headers).
    var requests: [String] { lock.withLock { heads } }

    /// How many bytes of answers went out (what the client took before it went away).
    var written: Int { lock.withLock { bytesWritten } }

    /// Waits until a whole request has been read (the client has really sent it); false after `seconds`.
    func waitForRequest(seconds: Double) -> Bool {
        received.wait(timeout: .now() + seconds) == .success
    }

    /// Stops accepting, closes every connection it holds and waits for its thread (10 s at most).
    func stop() {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        _ = finished.wait(timeout: .now() + 10)
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func serve() {
        defer {
            for fd in lock.withLock({ held }) { Glibc.close(fd) }
            Glibc.close(listener)
            finished.signal()
        }
        while !isStopped {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            _ = fcntl(connection, F_SETFL, fcntl(connection, F_GETFL) | O_NONBLOCK)
            guard let head = readRequest(connection) else {
                Glibc.close(connection)
                continue
            }
            lock.withLock { heads.append(head) }
            received.signal()
            write(reply.bytes, to: connection)
            switch reply.ending {
            case .close:
                Glibc.close(connection)
            case .reset:
                // Let the bytes reach the client first, so that the reset comes mid-answer.
                usleep(200_000)
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                _ = setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                Glibc.close(connection)
            case .stall:
                lock.withLock { held.append(connection) }
            }
        }
    }

    /// The head of one request, once it and its `Content-Length` body are in; nil when the
    /// client went away, or took more than 10 s or 64 KiB.
    private func readRequest(_ fd: Int32) -> String? {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(10)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline, bytes.count < 65536, !isStopped {
            if let end = Self.headEnd(bytes) {
                let head = String(decoding: bytes[..<end], as: UTF8.self)
                let length = head.split(separator: "\r\n").compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: .whitespaces))
                }.first ?? 0
                if bytes.count >= end + 4 + length { return head }
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { return nil }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return nil
            }
            bytes += buffer[..<count]
        }
        return nil
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// Writes `bytes` until they are all out, the client has gone, the server stops or 20 s pass.
    private func write(_ bytes: [UInt8], to fd: Int32) {
        var offset = 0
        let deadline = Date().addingTimeInterval(20)
        while offset < bytes.count, Date() < deadline, !isStopped {
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let count = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, min(65536, $0.count - offset), Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return
            }
            offset += count
            lock.withLock { bytesWritten += count }
        }
    }
}

/// A socket listening on 127.0.0.1 on a free port: its descriptor and the port.
func listenOnLoopback() throws -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EMFILE) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    guard bound == 0, listen(fd, 16) == 0 else {
        Glibc.close(fd)
        throw POSIXError(.EADDRNOTAVAIL)
    }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}
