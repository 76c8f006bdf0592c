#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process environment as a dictionary, read from `environ` without Foundation.
public enum ProcessEnvironment {
    public static func current() -> [String: String] {
        var result: [String: String] = [:]
        guard var pointer = environ as UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? else { return result }
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}

/// Parses `--var NAME=VALUE` arguments; a malformed one is malformed input (exit 2).
public enum VariableArguments {
    public static func parse(_ arguments: [String]) -> Result<[String: String], UsageError> {
        var variables: [String: String] = [:]
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "=") else {
                return .failure(UsageError("--var expects NAME=VALUE, got \"\(argument)\""))
            }
            let name = String(argument[..<equals])
            guard VariablesFile.isVariableName(name)
            else {
                return .failure(UsageError("--var name \"\(name)\" is not a variable name (letters, digits and _, not starting with a digit)"))
            }
            guard name != "session", name != "otp" else {
                return .failure(UsageError("--var cannot set the built-in variable $\(name)"))
            }
            variables[name] = String(argument[argument.index(after: equals)...])
        }
        return .success(variables)
    }
}
