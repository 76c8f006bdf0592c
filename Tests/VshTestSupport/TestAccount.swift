/// The account and sessions tests use: one well-formed auth_id, a token that is clearly a
/// test's, and two session uuids. One definition, so a test that changes one changes all.
public enum TestAccount {
    /// A well-formed auth_id (MA and 18 capital letters or digits).
    public static let authID = "MA2025RK4E639VJFZAGV"
    /// A token of 8+ characters, which redaction hides wherever it appears.
    public static let token = "s3cret-token-XYZ"
    public static let sessionA = "8e712097-8090-4644-81e7-8f4265d8354e"
    public static let sessionB = "0f3b2a10-1111-4222-8333-944455556666"
}
