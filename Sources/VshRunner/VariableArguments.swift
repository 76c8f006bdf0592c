import VshSyntax

/// Parses `--var NAME=VALUE` arguments; a malformed one is malformed input (exit 2).
public enum VariableArguments {
    public static func parse(_ arguments: [String]) -> Result<[String: String], CommandError> {
        var variables: [String: String] = [:]
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "=") else {
                return .failure(CommandError("--var expects NAME=VALUE, got \"\(argument)\"", status: .malformedInput))
            }
            let name = String(argument[..<equals])
            guard VariablesFile.isVariableName(name)
            else {
                return .failure(CommandError("--var name \"\(name)\" is not a variable name (letters, digits and _, not starting with a digit)", status: .malformedInput))
            }
            guard BuiltinVariable(rawValue: name) == nil else {
                return .failure(CommandError("--var cannot set the built-in variable $\(name)", status: .malformedInput))
            }
            variables[name] = String(argument[argument.index(after: equals)...])
        }
        return .success(variables)
    }
}
