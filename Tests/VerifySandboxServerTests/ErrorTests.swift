import HTTPTypes
import HummingbirdTesting
import Testing
import VerifyAPI
import VerifySandbox
import VerifySandboxServer

@Suite("Failures over HTTP: JSON, the right status, never a 5xx")
struct ErrorTests {
    @Test("401 for missing, wrong or malformed credentials and for an auth_id that is not the path's")
    func authentication() async throws {
        try await makeServer().application().test(.router) { client in
            let cases: [(String, String?)] = [
                ("no Authorization", nil),
                ("wrong token", basicAuth(account, "wrong")),
                ("malformed auth_id", basicAuth("MA123", token)),
                ("auth_id other than the path's", basicAuth(otherAccount, token)),
                ("not Basic", "Bearer \(token)"),
                ("not base64", "Basic %%%"),
                ("no colon", "Basic " + Base64.encode(Array(account.utf8))),
            ]
            for (name, auth) in cases {
                let answer = try await client.send(.get, sessions, auth: auth)
                expectError(answer, 401, "authentication failed")
                #expect(answer["api_id"] == nil, "\(name)")
                #expect(answer.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true, "\(name)")
            }
            // A malformed auth_id in both the path and the header is still refused.
            let malformed = try await client.send(.get, "/v1/Account/MA123/Verify/Session/", auth: basicAuth("MA123", token))
            expectError(malformed, 401, "authentication failed")
            // The out-of-band endpoints take none.
            #expect(try await client.send(.get, "/__sandbox/outbox", auth: nil).status == 200)
            #expect(try await client.send(.get, "/__sandbox/clock", auth: nil).status == 200)
            // And the right credentials work, with any case of "basic".
            let lower = "basic " + basicAuth().dropFirst("Basic ".count)
            #expect(try await client.send(.get, sessions, auth: lower).status == 200)
        }
    }

    @Test("404 for unknown paths, 405 with Allow for known paths and other methods")
    func routing() async throws {
        try await makeServer().application().test(.router) { client in
            for path in ["/nope", "/index.htm", "/__sandbox/ui/", "/__sandbox/ui/inbox.js/", "/v1/Account/\(account)/Verify/Session", "/v1/Account/\(account)/Verify/Sessions/",
                "/v1/account/\(account)/Verify/Session/", "/v1/Account/\(account)/Verify/Session/abc/def/", "/__sandbox/other"]
            {
                expectError(try await client.send(.get, path), 404, "not found")
            }
            let delete = try await client.send(.delete, session("8e712097-8090-4644-81e7-8f4265d8354e"))
            expectError(delete, 405, "method not allowed")
            #expect(delete.headers[.allow] == "GET, HEAD, POST")
            let put = try await client.send(.put, sessions, json: "{}")
            expectError(put, 405, "method not allowed")
            #expect(put.headers[.allow] == "GET, HEAD, POST")
            let outbox = try await client.send(.post, "/__sandbox/outbox", json: "{}", auth: nil)
            expectError(outbox, 405, "method not allowed")
            #expect(outbox.headers[.allow] == "GET, HEAD")
            // Authentication comes before the method: no probing of methods without credentials.
            expectError(try await client.send(.delete, sessions, auth: nil), 401, "authentication failed")
        }
    }

    @Test("malformed bodies are 400 with their own texts")
    func malformedBodies() async throws {
        try await makeServer().application().test(.router) { client in
            expectError(try await client.send(.post, sessions, json: #"{"recipient": "#), 400, "request body is not valid JSON")
            expectError(try await client.send(.post, sessions, json: "recipient=+14155550100"), 400, "request body is not valid JSON")
            expectError(try await client.send(.post, sessions, bytes: [0xFF, 0xFE, 0x7B]), 400, "request body is not valid JSON")
            expectError(try await client.send(.post, sessions, json: #"["recipient"]"#), 400, "request body must be a JSON object")
            expectError(try await client.send(.post, sessions, json: "null"), 400, "request body must be a JSON object")
            let uuid = try await client.create()
            expectError(try await client.send(.post, session(uuid), json: "{otp: 1}"), 400, "request body is not valid JSON")
            expectError(try await client.send(.post, session(uuid), json: #"{"otp": "12a4"}"#), 400, "otp must be a string of digits")
            expectError(try await client.send(.post, session(uuid), json: #"{"code": "1234"}"#), 400, "unknown parameter: code")
            // None of those used up an attempt.
            let code = try await client.code(uuid)
            #expect(try await client.send(.post, session(uuid), json: #"{"otp": "\#(code)"}"#).status == 200)
        }
    }

    @Test("a body of 64 KiB is read; one byte more is 413, before authentication")
    func bodySizeLimit() async throws {
        let json = #"{"recipient": "+14155550100"}"#
        let exact = Array(json.utf8) + Array(repeating: UInt8(ascii: " "), count: 65536 - json.utf8.count)
        #expect(exact.count == 65536)
        try await makeServer().application().test(.router) { client in
            #expect(try await client.send(.post, sessions, bytes: exact).status == 202)
            let over = try await client.send(.post, sessions, bytes: exact + [UInt8(ascii: " ")])
            expectError(over, 413, "request body too large (limit 64 KiB)")
            let anonymous = try await client.send(.post, sessions, bytes: exact + [UInt8(ascii: " ")], auth: nil)
            expectError(anonymous, 413, "request body too large (limit 64 KiB)")
            // Nothing was created by the refused ones.
            #expect(try await client.send(.get, sessions)["sessions"]?.arrayValue?.count == 1)
        }
    }

    @Test("415 for a body declared as something other than JSON, after routing and authentication")
    func contentType() async throws {
        try await makeServer().application().test(.router) { client in
            let body = #"{"recipient": "+14155550100"}"#
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp", ""] {
                let answer = try await client.send(.post, sessions, json: body, contentType: type)
                expectError(answer, 415, "Content-Type must be application/json")
            }
            let types = ["application/json", "application/json; charset=utf-8", "Application/JSON", "application/vnd.api+json"]
            for (index, type) in types.enumerated() {
                // Each its own recipient: a sixth create for one recipient would be over the resend limit.
                let body = #"{"recipient": "+1415555020\#(index)"}"#
                #expect(try await client.send(.post, sessions, json: body, contentType: type).status == 202, "\(type)")
            }
            // No Content-Type at all: read as JSON.
            #expect(try await client.send(.post, sessions, json: #"{"recipient": "+14155550209"}"#, contentType: nil).status == 202)
            // An empty body is no body, whatever its type.
            expectError(
                try await client.send(.post, sessions, bytes: [], contentType: "text/plain"), 400, "recipient is required")
            // Order: 404 and 401 come first.
            expectError(try await client.send(.post, "/nope", json: body, contentType: "text/plain"), 404, "not found")
            expectError(
                try await client.send(.post, sessions, json: body, contentType: "text/plain", auth: nil), 401, "authentication failed")
            // Validate: the session is looked up first, and a refused body is not an attempt.
            let uuid = try await client.create()
            let form = try await client.send(.post, session(uuid), json: "otp=123456", contentType: "application/x-www-form-urlencoded")
            expectError(form, 415, "Content-Type must be application/json")
            // The clock too.
            let clock = try await client.send(.post, "/__sandbox/clock", json: #"{"advance": "1m"}"#, contentType: "text/plain")
            expectError(clock, 415, "Content-Type must be application/json")
        }
    }

    @Test("odd requests never get a 5xx, and every answer is JSON")
    func neverAServerError() async throws {
        try await makeServer().application().test(.router) { client in
            let paths = [
                "/%", "/%zz", "/%00", "//", "///v1", "/v1/Account//Verify/Session/", "/v1/Account/%2F/Verify/Session/",
                "/v1/Account/\(account)/Verify/Session/%ZZ/", "/v1/Account/\(account)/Verify/Session/\u{1F600}/",
                "/v1/Account/\(account)/Verify/Session/?limit=%", "/v1/Account/\(account)/Verify/Session/?=&&=&a",
                "/__sandbox/outbox?%", "/" + String(repeating: "a", count: 4000), "*", "",
            ]
            let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .options]
            let bodies: [[UInt8]?] = [nil, Array("{}".utf8), Array("[]".utf8), Array(#""x""#.utf8), [0xC3, 0x28], Array("{\"otp\":1e999}".utf8)]
            for path in paths {
                for method in methods {
                    for body in bodies {
                        let answer = try await client.send(method, path, bytes: body)
                        #expect(answer.status < 500, "\(method) \(path)")
                        #expect(answer.json != nil, "\(method) \(path): \(answer.text)")
                    }
                }
            }
            let uuid = try await client.create()
            for body in [#"{"otp": 1e999}"#, #"{"otp": -1}"#, #"{"otp": 1.5}"#, #"{"otp": true}"#, #"{"otp": {}}"#, #"{"otp": []}"#,
                #"{"otp": "\u0000"}"#, #"{"otp": "١٢٣٤٥٦"}"#, String(repeating: "[", count: 10000),
                String(repeating: "[", count: 500) + String(repeating: "]", count: 500)]
            {
                let answer = try await client.send(.post, session(uuid), json: body)
                #expect((400..<500).contains(answer.status), "\(body.prefix(40))")
                #expect(answer.json != nil)
            }
        }
    }
}
