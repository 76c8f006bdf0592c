import VerifyAPI
import VshSyntax

/// The outcome of a predicate: whether it held, and what to print when it did not.
struct Verdict {
    var holds: Bool
    /// What the assertion wanted: `== "verified"`, `a uuid`, `to exist`.
    var expected: String
    /// What was there.
    var actual: String
}

/// Predicates over JSON values, as `assert` and `let` use them.
enum Predicates {
    static func compare(_ lhs: JSONValue?, _ op: ComparisonOperator, _ rhs: JSONValue?) -> (holds: Bool, problem: String?) {
        guard let lhs else { return (op == .notEqual && rhs != nil, nil) }
        guard let rhs else { return (op == .notEqual, nil) }
        switch op {
        case .equal: return (lhs == rhs, nil)
        case .notEqual: return (lhs != rhs, nil)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let order: Int
            switch (lhs, rhs) {
            case (.number(let a), .number(let b)): order = a < b ? -1 : a == b ? 0 : 1
            case (.string(let a), .string(let b)):
                // Timestamps compare as instants, whatever their precision or offset.
                if let ta = Timestamp(parsing: a), let tb = Timestamp(parsing: b) {
                    order = ta < tb ? -1 : ta == tb ? 0 : 1
                } else {
                    order = a < b ? -1 : a == b ? 0 : 1
                }
            default:
                return (false, "cannot order \(lhs.typeNameWithArticle) against \(rhs.typeNameWithArticle)")
            }
            switch op {
            case .less: return (order < 0, nil)
            case .lessOrEqual: return (order <= 0, nil)
            case .greater: return (order > 0, nil)
            default: return (order >= 0, nil)
            }
        case .contains:
            switch (lhs, rhs) {
            case (.string(let a), .string(let b)): return (a.contains(b), nil)
            case (.array(let items), _): return (items.contains(rhs), nil)
            case (.object, .string(let key)): return (lhs[key] != nil, nil)
            default: return (false, "\(lhs.typeNameWithArticle) cannot contain \(rhs.typeNameWithArticle)")
            }
        }
    }

    static func isType(_ value: JSONValue?, _ type: ValueType) -> Bool {
        guard let value else { return false }
        switch (type, value) {
        case (.uuid, .string(let s)): return UUIDText.isUUID(s)
        case (.string, .string), (.number, .number), (.boolean, .bool), (.null, .null), (.array, .array), (.object, .object): return true
        case (.date, .string(let s)): return Timestamp(parsing: s) != nil
        default: return false
        }
    }

    /// Text that `matches` tests: strings as they are, numbers and booleans as written.
    static func matchText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s): s
        case .number, .bool: value.compactText
        default: nil
        }
    }
}

extension JSONValue {
    /// `a string`, `an object`: the type's name with its article, for messages.
    var typeNameWithArticle: String { (typeName.first.map { "aeiou".contains($0) } == true ? "an " : "a ") + typeName }

    /// How a value appears in an assertion report: JSON, cut to a readable length.
    var shown: String {
        let text = compactText
        return text.count > 200 ? String(text.prefix(200)) + "… (\(text.count) characters)" : text
    }
}
