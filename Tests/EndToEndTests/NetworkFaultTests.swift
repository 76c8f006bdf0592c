import Foundation
import Testing

/// `vsh run --transport live --timeout 2` against a loopback server that misbehaves on
/// purpose (``FaultServer``): each fault ends the run with exit 3 and one clear line naming
/// what went wrong, without a crash and without a hang (the harness kills a run that takes
/// longer than the timeout and a generous margin for a loaded machine: no tight times).
@Suite struct NetworkFaultTests {
    static let environment = ["PLIVO_AUTH_ID": "MA2025RK4E639VJFZAGV", "PLIVO_AUTH_TOKEN": "faults-token-0000000000000000000000000"]
    /// A create (POST, never retried) as the first line, so every message is at `s.vsh:1:1`.
    static let create = "session create recipient=+14155550100\nprint \"not reached\"\n"

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var ending: FaultServer.Ending
        /// What the error line says after `s.vsh:1:1: error: `; `PORT` stands for the server's port.
        var message: String
        var testDescription: String { name }

        init(_ name: String, _ bytes: [UInt8], then ending: FaultServer.Ending, _ message: String) {
            self.name = name
            self.bytes = bytes
            self.ending = ending
            self.message = message
        }

        init(_ name: String, _ text: String, then ending: FaultServer.Ending, _ message: String) {
            self.init(name, Array(text.utf8), then: ending, message)
        }
    }

    static let tenMiB = 10 << 20
    /// `{"api_id":"xxxx…"}`: valid JSON, 10 MiB.
    static let bigJSON: [UInt8] = Array("{\"api_id\":\"".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: tenMiB - 13) + Array("\"}".utf8)
    static let json = "{\"api_id\":\"4b8c2a6e\",\"message\":\"Session initiated\",\"session_uuid\":\"a1b2c3d4-0000-4000-8000-000000000001\"}"
    static let dropped = "connection to 127.0.0.1:PORT closed before the answer was complete"

    static let cases: [Case] = [
        Case("a reset after half the headers", "HTTP/1.1 202 Accepted\r\nContent-Type: applic", then: .reset, dropped),
        Case(
            "a reset after half the body", "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n"
                + json.prefix(json.count / 2), then: .reset, dropped),
        Case(
            "a stall after the headers", "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n", then: .stall,
            "no complete answer from 127.0.0.1:PORT within 2 s (request timeout)"),
        Case(
            "a 10 MiB body with Content-Length",
            Array("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: \(tenMiB)\r\n\r\n".utf8) + bigJSON, then: .close,
            "the answer from 127.0.0.1:PORT is larger than 1 MiB; vsh reads at most that much"),
        Case(
            "a 10 MiB body without Content-Length, delimited by close",
            Array("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".utf8) + bigJSON, then: .close,
            "the answer from 127.0.0.1:PORT is larger than 1 MiB; vsh reads at most that much"),
        Case(
            "a 10 MiB body, chunked",
            Array("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".utf8) + chunked(bigJSON, size: 65536),
            then: .close, "the answer from 127.0.0.1:PORT is larger than 1 MiB; vsh reads at most that much"),
        Case(
            "a chunk size that is not hexadecimal",
            "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", then: .stall,
            "127.0.0.1:PORT did not answer with valid HTTP (a chunk size that is not a hexadecimal number)"),
        Case(
            "a 200 whose body is not JSON",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 36\r\n\r\n<html><body>It works!</body></html>\n", then: .stall,
            "the answer from 127.0.0.1:PORT (200 OK, Content-Type text/html) is not JSON: invalid JSON at byte 0: unexpected character"),
        Case(
            "a 202 with truncated JSON",
            "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 30\r\n\r\n" + json.prefix(30), then: .stall,
            "the answer from 127.0.0.1:PORT (202 Accepted) is not JSON: invalid JSON at byte 30: expected ':' after key"),
        Case(
            "an HTTP/1.0 body delimited by close, cut mid-JSON",
            "HTTP/1.0 202 Accepted\r\nContent-Type: application/json\r\n\r\n" + json.prefix(40), then: .close,
            "the answer from 127.0.0.1:PORT (202 Accepted) is not JSON: invalid JSON at byte 40: unterminated string"),
    ]

    /// `bytes` in chunks of `size`, then the last chunk.
    static func chunked(_ bytes: [UInt8], size: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / size * 8 + 16)
        var start = 0
        while start < bytes.count {
            let end = min(start + size, bytes.count)
            out += Array("\(String(end - start, radix: 16))\r\n".utf8) + bytes[start..<end] + [13, 10]
            start = end
        }
        return out + Array("0\r\n\r\n".utf8)
    }

    /// Runs `script` as `s.vsh` with the live transport against `server`, `--timeout 2`.
    static func run(_ script: String, against server: FaultServer) throws -> VshProcess.Outcome {
        let dir = try VshProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try dir.write("s.vsh", script)
        return try VshProcess.run(
            ["run", "--transport", "live", "--base-url", server.baseURL, "--timeout", "2", "s.vsh"], in: dir, environment: environment,
            // The timeout and a wide margin: a debug build starting on a loaded machine.
            timeout: 2 + 40)
    }

    /// The `FILE:LINE:COL: error: …` line of a run's stderr.
    static func errorLine(_ stderr: String) -> String? {
        stderr.split(separator: "\n").first { $0.contains(": error: ") }.map(String.init)
    }

    @Test(arguments: cases)
    func aFaultEndsTheRunWithExitThreeAndOneClearLine(_ fault: Case) throws {
        let server = try FaultServer(.init(fault.bytes, then: fault.ending))
        defer { server.stop() }
        let outcome = try Self.run(Self.create, against: server)
        let expected = "s.vsh:1:1: error: " + fault.message.replacingOccurrences(of: "PORT", with: String(server.port))
        #expect(!outcome.signaled, "no crash")
        #expect(outcome.status == 3, "stderr: \(outcome.stderr)")
        #expect(Self.errorLine(outcome.stderr) == expected, "stderr: \(outcome.stderr)")
        // The create may have been acted on: vsh says so and does not send it again.
        #expect(outcome.stderr.contains("the request may have reached the server; vsh does not send a create or validate twice"), "stderr: \(outcome.stderr)")
        #expect(server.requests.count == 1, "a POST is sent once")
        #expect(!outcome.stdout.contains("not reached"))
        #expect(outcome.stdout.contains("✗ s.vsh"))
    }

    @Test func aResetOnAGetIsTriedThreeTimesThenReported() throws {
        let server = try FaultServer(.init("HTTP/1.1 200 OK\r\nContent-Type: applic", then: .reset))
        defer { server.stop() }
        let outcome = try Self.run("session list\n", against: server)
        #expect(!outcome.signaled)
        #expect(outcome.status == 3, "stderr: \(outcome.stderr)")
        #expect(Self.errorLine(outcome.stderr) == "s.vsh:1:1: error: connection to 127.0.0.1:\(server.port) closed before the answer was complete")
        #expect(outcome.stderr.contains("tried 3 times"), "stderr: \(outcome.stderr)")
        #expect(server.requests.count == 3)
    }

    @Test func anHTTP10AnswerDelimitedByCloseIsReadWhole() throws {
        // No Content-Length, no chunks: the body ends where the connection does, as HTTP/1.0 allows.
        let server = try FaultServer(.init("HTTP/1.0 202 Accepted\r\nContent-Type: application/json\r\n\r\n" + Self.json, then: .close))
        defer { server.stop() }
        let outcome = try Self.run(
            "session create recipient=+14155550100\nassert status == 202\nassert body.message == \"Session initiated\"\nprint body.session_uuid\n",
            against: server)
        #expect(!outcome.signaled)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("a1b2c3d4-0000-4000-8000-000000000001"), "stdout: \(outcome.stdout)")
        #expect(outcome.stderr.isEmpty, "stderr: \(outcome.stderr)")
    }

    @Test func anErrorStatusWithABodyThatIsNotJSONIsStillAnAnswer() throws {
        // A proxy's HTML error page: the status is the news, and the script can expect it.
        let page = "<html><body>502 Bad Gateway</body></html>"
        let server = try FaultServer(.init("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: \(page.utf8.count)\r\n\r\n" + page, then: .close))
        defer { server.stop() }
        let outcome = try Self.run(Self.create, against: server)
        #expect(!outcome.signaled)
        #expect(outcome.status == 3, "stderr: \(outcome.stderr)")
        #expect(Self.errorLine(outcome.stderr) == "s.vsh:1:1: error: POST /v1/Account/MA2025RK4E639VJFZAGV/Verify/Session/ answered 502 Bad Gateway")
    }
}
