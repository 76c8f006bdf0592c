import Testing
import VerifySandbox

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("The error table")
struct ErrorCatalogueTests {
    /// docs/sandbox.md, found from this file's path.
    static func documentation() -> String? {
        let path = "\(#filePath)".split(separator: "/").dropLast(3).joined(separator: "/")
        guard let file = fopen("/" + path + "/docs/sandbox.md", "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func textsAreDistinct() {
        let texts = SandboxError.catalogue.map(\.text)
        #expect(Set(texts).count == texts.count)
    }

    @Test func everyRowIsDocumentedWithItsStatus() throws {
        let doc = try #require(Self.documentation())
        let rows = doc.split(separator: "\n").filter { $0.hasPrefix("|") }
        for error in SandboxError.catalogue {
            let row = rows.first { $0.contains("`\(error.text)`") }
            #expect(row != nil, "docs/sandbox.md has no row for \"\(error.text)\"")
            #expect(row?.contains("| \(error.status) |") == true, "docs/sandbox.md: wrong status for \"\(error.text)\"")
        }
    }

    @Test func statusesAreAsDocumented() {
        #expect(SandboxError.authenticationFailed.status == 401)
        #expect(SandboxError.accountRequired.status == 401)
        #expect(SandboxError.tooManyDeliveryAttempts.status == 429)
        #expect(SandboxError.sessionNotFound.status == 404)
        #expect(SandboxError.notFound.status == 404)
        #expect(SandboxError.methodNotAllowed(allowed: [.get]).status == 405)
        #expect(SandboxError.bodyTooLarge.status == 413)
        #expect(SandboxError.unsupportedMediaType.status == 415)
        #expect(SandboxError.headersTooLarge.status == 431)
        #expect(SandboxError.inboxControlsOff.status == 403)
        #expect(SandboxError.inboxControlsForeign.status == 403)
        #expect(SandboxError.tooManyStreams.status == 429)
        let clientErrors = SandboxError.catalogue.filter { ![401, 403, 404, 405, 413, 415, 429, 431].contains($0.status) }
        #expect(clientErrors.count == 46)  // 429s: tooManyDeliveryAttempts, rateLimited
        #expect(clientErrors.allSatisfy { $0.status == 400 })
    }
}
