import Testing
import VerifyAPI

func parse(_ text: String) throws(JSONParseError) -> JSONValue { try JSONValue(parsing: text) }

/// The error a text fails with.
func parseError(_ text: String, maxDepth: Int = 512) -> JSONParseError? {
    do {
        _ = try JSONValue(parsing: Array(text.utf8), maxDepth: maxDepth)
        return nil
    } catch {
        return error
    }
}

@Suite struct JSONParsingTests {
    @Test(arguments: [
        "null", "true", "false", "0", "-1", "202", "1.5", "-0.25", "1e+300", "\"\"", "\"a\"", "[]", "{}", "[1,\"two\",null,true,[],{}]",
        #"{"api_id":"3335cb16-d297-4e00-a5e7-66a2b4d0e1d0","message":"Session initiated","session_uuid":"8e712097-8090-4644-81e7-8f4265d8354e"}"#,
        #"{"b":1,"a":{"z":[1,2,{"y":null}],"c":"d"}}"#, #"{"esc":"\"\\\n\r\t\b\f\u0001\u001f"}"#, #""é😀""#,
    ])
    func compactRoundTrip(_ text: String) throws {
        let value = try parse(text)
        #expect(value.compactText == text)
        #expect(try parse(value.compactText) == value)
        #expect(try parse(value.prettyText) == value)
    }

    @Test func keyOrderIsKept() throws {
        let value = try parse(#"{"zebra": 1, "apple": 2, "mango": {"b": 1, "a": 2}}"#)
        guard case .object(let pairs) = value else {
            Issue.record("not an object")
            return
        }
        #expect(pairs.map(\.key) == ["zebra", "apple", "mango"])
        #expect(value.compactText == #"{"zebra":1,"apple":2,"mango":{"b":1,"a":2}}"#)
        #expect(value.setting("apple", to: 3).compactText == #"{"zebra":1,"apple":3,"mango":{"b":1,"a":2}}"#)
        #expect(value.setting("kiwi", to: nil).compactText == #"{"zebra":1,"apple":2,"mango":{"b":1,"a":2},"kiwi":null}"#)
        #expect(JSONValue.string("x").setting("a", to: 1) == "x")
    }

    @Test func objectsAreEqualRegardlessOfKeyOrder() throws {
        let a = try parse(#"{"a":1,"b":[1,{"x":true,"y":null}]}"#)
        let b = try parse(#"{"b":[1,{"y":null,"x":true}],"a":1.0}"#)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b]).count == 1)
        #expect(a != (try parse(#"{"a":1,"b":[{"x":true,"y":null},1]}"#)))  // arrays keep order
        #expect(a != (try parse(#"{"a":1}"#)))
        #expect(a != (try parse(#"{"a":1,"b":[1,{"x":true,"y":null}],"c":0}"#)))
        #expect(try parse(#"{"a":1,"b":2}"#) != (try parse(#"{"a":1,"c":2}"#)))
        #expect(JSONValue.number(1) != .string("1"))
        #expect(JSONValue.bool(true) != .number(1))
        #expect(JSONValue.null != .string("null"))
    }

    @Test func stringEscapes() throws {
        #expect(try parse(#""\u00e9\u00E9""#) == "éé")
        #expect(try parse(#""\ud83d\ude00""#) == "😀")
        #expect(try parse(#""\/\"\\\b\f\n\r\t""#) == "/\"\\\u{08}\u{0C}\n\r\t")
        #expect(try parse(#""\u0000""#) == "\u{0}")
        #expect(try parse("\"\u{7F}é\"") == "\u{7F}é")
        // Written back: the short escapes, \u for other controls, everything else as is.
        #expect(JSONValue.string("\u{0}\u{1F}\u{08}\u{0C}\n\r\t\"\\/😀").compactText == #""\u0000\u001f\b\f\n\r\t\"\\/😀""#)
    }

    @Test(arguments: [
        // Plivo's own docs example for validate carries a trailing comma.
        (#"{"api_id": "e7af31b5-a7cb-40d6-a3ab-122fdcc9f0fe", "message": "session validated successfully.",}"#, 96, "expected a string key"),
        (#"{"a":1,}"#, 7, "expected a string key"),
        ("[1,]", 3, "unexpected character"),
        ("[1 2]", 3, "expected ',' or ']' in array"),
        (#"{"a" 1}"#, 5, "expected ':' after key"),
        (#"{"a":1 "b":2}"#, 7, "expected ',' or '}' in object"),
        ("{a:1}", 1, "expected a string key"),
        ("012", 0, "leading zero in number"),
        ("[-01]", 2, "leading zero in number"),
        ("1.", 2, "expected a digit after '.'"),
        (".5", 0, "unexpected character"),
        ("1e", 2, "expected a digit in exponent"),
        ("-", 1, "expected a digit"),
        ("+1", 0, "unexpected character"),
        ("NaN", 0, "unexpected character"),
        ("tru", 0, "unexpected end of input"),
        ("trux", 0, "unexpected character"),
        ("nul", 0, "unexpected end of input"),
        ("\"a\tb\"", 2, "control character in string"),
        ("\"a\nb\"", 2, "control character in string"),
        ("\"abc", 4, "unterminated string"),
        ("\"a\\", 3, "unterminated escape"),
        (#""\x""#, 2, "invalid escape"),
        (#""\u12zz""#, 5, "invalid hex digit in unicode escape"),
        (#""\u12"#, 3, "unterminated unicode escape"),
        (#""\ud83d""#, 7, "unpaired surrogate"),
        (#""\ud83dx""#, 7, "unpaired surrogate"),
        (#""\ud83d\u0041""#, 13, "unpaired surrogate"),
        (#""\ude00""#, 7, "invalid unicode escape"),
        ("[1", 2, "unterminated array"),
        (#"{"a":1"#, 6, "unterminated object"),
        ("{", 1, "expected a string key"),
        ("", 0, "unexpected end of input"),
        ("   ", 3, "unexpected end of input"),
        ("1 2", 2, "unexpected text after the JSON value"),
        ("{} x", 3, "unexpected text after the JSON value"),
        ("1e400", 0, "number out of range"),
        ("[-1e400]", 1, "number out of range"),
    ])
    func rejected(_ text: String, _ offset: Int, _ reason: String) {
        let error = parseError(text)
        #expect(error?.offset == offset, "\(text)")
        #expect(error?.reason == reason, "\(text)")
    }

    @Test func errorDescriptionNamesTheByte() {
        #expect(parseError("[1,]")?.description == "invalid JSON at byte 3: unexpected character")
    }

    @Test func invalidUTF8InAStringIsRejected() {
        func error(_ bytes: [UInt8]) -> (Int, String)? {
            do {
                _ = try JSONValue(parsing: bytes)
                return nil
            } catch {
                return (error.offset, error.reason)
            }
        }
        #expect(error([0x22, 0xFF, 0x22]) ?? (-1, "") == (1, "invalid UTF-8 in string"))
        #expect(error([0x22, 0x5C, 0x6E, 0xC3, 0x22]) ?? (-1, "") == (3, "invalid UTF-8 in string"))
        #expect(error([0xFF]) ?? (-1, "") == (0, "unexpected character"))
    }

    @Test func aByteOrderMarkAndWhiteSpaceAreTolerated() throws {
        #expect(try JSONValue(parsing: [0xEF, 0xBB, 0xBF] + Array(" {\"a\":1}\r\n\t".utf8)) == .object(["a": 1]))
    }

    @Test func depthLimit() throws {
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(try parse(deep).compactText == deep)
        let tooDeep = "[" + deep + "]"
        #expect(parseError(tooDeep)?.offset == 512)
        #expect(parseError(tooDeep)?.reason == "nesting deeper than 512 levels")
        let objects = String(repeating: #"{"a":"#, count: 513) + "1" + String(repeating: "}", count: 513)
        #expect(parseError(objects)?.reason == "nesting deeper than 512 levels")
        #expect(parseError(String(repeating: "[", count: 1_000_000))?.reason == "nesting deeper than 512 levels")
        #expect(parseError("[[[1]]]", maxDepth: 2)?.offset == 2)
    }

    @Test func numbers() throws {
        #expect(try parse("202") == .number(202))
        #expect(try parse("2.02e2") == .number(202))
        #expect(try parse("-0") == .number(0))
        #expect(try parse("1E-2") == .number(0.01))
        #expect(try parse("0.5").numberValue == 0.5)
    }

    @Test(arguments: [
        (202.0, "202"), (-7, "-7"), (0, "0"), (-0.0, "0"), (1.5, "1.5"), (0.1, "0.1"), (123456789012345, "123456789012345"),
        (1e15, "1000000000000000"), (9_007_199_254_740_992, "9007199254740992"), (-9_007_199_254_740_992, "-9007199254740992"),
        (18_014_398_509_481_984, "18014398509481984"), (1e300, "1e+300"), (.infinity, "null"), (-.infinity, "null"), (.nan, "null"),
    ] as [(Double, String)])
    func numberFormatting(_ number: Double, _ text: String) {
        #expect(JSONValue.format(number: number) == text)
        #expect(JSONValue.number(number).compactText == text)
    }

    @Test func prettyText() throws {
        let value = try parse(#"{"a":[1,{"b":null}],"c":{},"d":[]}"#)
        #expect(value.prettyText == "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": {},\n  \"d\": []\n}")
        #expect(JSONValue.string("x").prettyText == "\"x\"")
    }

    @Test func accessors() throws {
        let value = try parse(#"{"s":"x","n":3,"f":2.5,"big":1e20,"a":[true,null],"o":{}}"#)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["n"]?.intValue == 3)
        #expect(value["f"]?.intValue == nil)
        #expect(value["f"]?.numberValue == 2.5)
        #expect(value["big"]?.intValue == nil)
        #expect(value["a"]?[0] == true)
        #expect(value["a"]?[1]?.isNull == true)
        #expect(value["a"]?[2] == nil)
        #expect(value["a"]?[-1] == nil)
        #expect(value["a"]?.arrayValue?.count == 2)
        #expect(value["missing"] == nil)
        #expect(value[0] == nil)
        #expect(value["s"]?["x"] == nil)
        #expect(value["n"]?.stringValue == nil)
        #expect(value["s"]?.numberValue == nil)
        #expect(value["s"]?.arrayValue == nil)
        #expect(!(value["s"]?.isNull ?? true))
        let names = ["s", "n", "a", "o"].compactMap { value[$0]?.typeName } + [JSONValue.null.typeName, JSONValue.bool(true).typeName]
        #expect(names == ["string", "number", "array", "object", "null", "boolean"])
    }

    @Test func literals() {
        let value: JSONValue = ["a", 1, 2.5, true, nil, .object(["k": "v"])]
        #expect(value.compactText == #"["a",1,2.5,true,null,{"k":"v"}]"#)
    }

    @Test func duplicateKeysKeepTheFirstForLookUp() throws {
        let value = try parse(#"{"a":1,"a":2}"#)
        #expect(value["a"] == 1)
        #expect(value.compactText == #"{"a":1,"a":2}"#)
        // Equality is symmetric even with repeated keys.
        let repeated = try parse(#"{"x":1,"x":1}"#)
        let distinct = try parse(#"{"x":1,"y":2}"#)
        #expect(repeated != distinct)
        #expect(distinct != repeated)
    }
}
