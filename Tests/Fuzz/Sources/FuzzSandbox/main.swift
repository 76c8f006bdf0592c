import FuzzSupport
#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import VerifyAPI
import VerifySandbox

// The input is a short conversation with a fresh sandbox, each request given to
// VerifySandbox.handle(method:target:headerFields:body:clientAddress:), the entry point
// SandboxServer's responder calls with the method, target, headers and body bytes off the
// wire. Each request is built from the bytes:
//
//   method byte · auth byte · content-type byte · path byte · target suffix\ ·
//   header count byte · (name\ value\)* · body\
//
// A `\` ends a string (`\\` is one backslash). Most auth bytes give the valid Basic header,
// so that requests get past authentication; most path bytes give one of the sandbox's
// routes, the out-of-band ones included (clock, outbox, faults, outcomes, seeding, state,
// reset, callbacks). `{uuid}` in a target or body stands for the uuid of the last session
// created, `{otp}` for its code. Half the inputs queue status callbacks, which the harness
// takes and finishes with an outcome drawn from the input, as the server's deliverer would.
// Properties: no trap, no 5xx and every answer's body is JSON, except on an answer an
// armed fault changed (`X-Vsh-Fault`), whose point is a 5xx or a broken body.

private let authID = "MAFUZZ00000000000000"
private let token = "fuzz-token-0123456789"
private let basic = Credentials(authID: authID, authToken: token).basicAuthorization!
private let methods: [HTTPRequest.Method] = [.get, .post, .get, .post, .head, .put, .delete, .patch, .options, .connect, .trace]
private let contentTypes: [String?] = [
    nil, "application/json", "application/json; charset=utf-8", "text/plain", "application/problem+json",
    "APPLICATION/JSON", "application/x-www-form-urlencoded", "",
]
private let paths = [
    "/v1/Account/\(authID)/Verify/Session/", "/v1/Account/\(authID)/Verify/Session/{uuid}/",
    "/v1/Account/\(authID)/Verify/Session/", "/v1/Account/\(authID)/Verify/Session/{uuid}/",
    "/__sandbox/clock", "/__sandbox/outbox", "/__sandbox/clock/", "/__sandbox/outbox?session_uuid={uuid}",
    "/v1/Account/\(authID)/Verify/Session/?", "/v1/Account/MASANDBOX00000000000/Verify/Session/", "",
    "/__sandbox/faults", "/__sandbox/faults/f1", "/__sandbox/outcomes", "/__sandbox/sessions", "/__sandbox/state",
    "/__sandbox/reset", "/__sandbox/callbacks", "/__sandbox/outbox?wait=1s&recipient=",
]

/// `VSH_FUZZ_TRACE=1`: print each request and answer (to see what an input does).
private let tracing = getenv("VSH_FUZZ_TRACE") != nil

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let setup = input.byte()
    let sandbox = VerifySandbox(
        configuration: .init(
            authToken: setup & 1 == 0 ? token : nil, fixedCode: setup & 2 == 0 ? "123456" : nil,
            rateLimits: setup & 8 == 0 ? .verify : .all, sendsCallbacks: setup & 4 == 0,
            seed: 42, startTime: Timestamp(microsecondsSinceEpoch: 1_764_547_200_000_000)))
    var uuid = "00000000-0000-0000-0000-000000000000"
    var otp = "123456"
    var requests = 0
    while !input.isAtEnd, requests < 16 {
        requests += 1
        let methodByte = input.byte()
        let method: HTTPRequest.Method
        if methodByte >= 0xF0 {
            method = HTTPRequest.Method(input.string(maxLength: 32)) ?? .get
        } else {
            method = methods[Int(methodByte) % methods.count]
        }
        var fields = HTTPFields()
        let authByte = input.byte()
        switch authByte % 16 {
        case 0: break
        case 1: fields[.authorization] = "Basic " + Base64.encode(Array("\(authID):wrong".utf8))
        case 2: fields[.authorization] = input.string(maxLength: 256)
        case 3: fields[.authorization] = "basic   " + String(basic.dropFirst(6)) + "  "
        default: fields[.authorization] = basic
        }
        let typeByte = input.byte()
        if typeByte >= 0xF0 {
            fields[.contentType] = input.string(maxLength: 128)
        } else if let type = contentTypes[Int(typeByte) % contentTypes.count] {
            fields[.contentType] = type
        }
        let path = paths[Int(input.byte()) % paths.count]
        let target = (path + input.string(maxLength: 4096)).replacing("{uuid}", with: uuid)
        for _ in 0..<(input.byte() % 4) {
            let name = input.string(maxLength: 64)
            let value = input.string(maxLength: 256)
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        let bodyText = input.string(maxLength: 1 << 16).replacing("{uuid}", with: uuid).replacing("{otp}", with: otp)
        let answer = sandbox.handle(
            method: method, target: target, headerFields: fields, body: Array(bodyText.utf8),
            clientAddress: requests % 3 == 0 ? nil : "192.0.2.7")
        if tracing {
            print("\(method) \(target) [\(fields.map { "\($0.name): \($0.value)" }.joined(separator: ", "))] \(bodyText)")
            print("  → \(answer.status) \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
        }
        let faulted = answer.headerFields[SandboxFault.headerName] != nil
        if !faulted {
            fuzzCheck(answer.status >= 200 && answer.status < 500, "\(method) \(target): status \(answer.status)")
            if !answer.body.isEmpty {
                fuzzCheck((try? JSONValue(parsing: answer.body)) != nil, "\(method) \(target): the answer is not JSON")
            }
        }
        // The deliverer's part: take what is due, finish it one way or another.
        for job in sandbox.takeDueCallbacks(limit: 4) {
            let outcome: CallbackOutcome = requests % 2 == 0 ? .answered(200, after: .zero) : .failed("refused", after: .zero)
            sandbox.finishCallback(job, outcome: outcome)
        }
        if let created = answer.json?["session_uuid"]?.stringValue { uuid = created }
        if let code = sandbox.outbox(sessionUUID: uuid).last?.code { otp = code }
    }
    return 0
}
