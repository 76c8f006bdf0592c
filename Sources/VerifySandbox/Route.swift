import HTTPTypes
import VerifyAPI

/// The paths the sandbox knows. Verify paths end in `/`, as Plivo requires (without it:
/// 404); the out-of-band ones are found with or without the slash.
enum Route: Equatable {
    case sessions(account: String)
    case session(account: String, uuid: String)
    case outbox
    case clock
    /// `/__sandbox/faults`: list (GET), arm (POST), clear all (DELETE).
    case faults
    /// `/__sandbox/faults/{id}`: clear one (DELETE).
    case fault(id: String)
    /// `/__sandbox/callbacks`: the callback log (GET).
    case callbacks
    /// `/__sandbox/state`: the accounts' whole state (GET).
    case state
    /// `/__sandbox/reset`: empties the caller's account (POST).
    case reset
    /// `/__sandbox/sessions`: seeds a session in any state (POST).
    case seed
    /// `/__sandbox/outcomes`: how a recipient's or a session's next attempts end (GET, POST).
    case outcomes
    /// `/__sandbox/expire`: a session's code expires now (POST).
    case expire
    /// `/__sandbox/inbox`: what the inbox page shows (GET).
    case inbox
    /// `/__sandbox/timeline`: one session's story (GET).
    case timeline
    /// `/__sandbox/events`: the event stream (GET; the served sandbox streams it).
    case events

    init?(path: String) {
        // Compared as bytes; a segment becomes a String only when it is an auth_id or a uuid.
        let utf8 = path.utf8
        var segments = utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard segments.first?.isEmpty == true else { return nil }
        segments.removeFirst()
        let hasTrailingSlash = segments.last?.isEmpty == true
        if hasTrailingSlash { segments.removeLast() }
        func text(_ segment: Substring.UTF8View) -> String { PercentEncoding.decode(Substring(segment)) }
        func isLiteral(_ index: Int, _ literal: String) -> Bool { text(segments[index]) == literal }
        if segments.count == 2, isLiteral(0, SandboxPath.root) {
            guard let name = SandboxPath.Name(rawValue: text(segments[1])) else { return nil }
            switch name {
            case .outbox: self = .outbox
            case .clock: self = .clock
            case .faults: self = .faults
            case .callbacks: self = .callbacks
            case .state: self = .state
            case .reset: self = .reset
            case .sessions: self = .seed
            case .outcomes: self = .outcomes
            case .expire: self = .expire
            case .inbox: self = .inbox
            case .timeline: self = .timeline
            case .events: self = .events
            }
            return
        }
        if segments.count == 3, isLiteral(0, SandboxPath.root), isLiteral(1, SandboxPath.Name.faults.rawValue) {
            self = .fault(id: text(segments[2]))
            return
        }
        guard hasTrailingSlash, segments.count == 5 || segments.count == 6, isLiteral(0, "v1"), isLiteral(1, "Account"),
            isLiteral(3, "Verify"), isLiteral(4, "Session")
        else { return nil }
        let account = text(segments[2])
        guard !account.isEmpty else { return nil }
        if segments.count == 5 {
            self = .sessions(account: account)
        } else {
            let uuid = text(segments[5])
            guard !uuid.isEmpty else { return nil }
            self = .session(account: account, uuid: uuid)
        }
    }

    /// The auth_id in the path, for the routes that need authentication.
    var account: String? {
        switch self {
        case .sessions(let account), .session(let account, _): account
        default: nil
        }
    }

    /// The session uuid in the path of a validate or retrieve.
    var sessionUUID: String? {
        if case .session(_, let uuid) = self { return uuid }
        return nil
    }

    /// Which Verify endpoint a request is, for faults; nil for the out-of-band ones.
    func endpoint(method: HTTPRequest.Method) -> SandboxFault.Endpoint? {
        switch (self, method) {
        case (.sessions, .post): .create
        case (.sessions, _): .list
        case (.session, .post): .validate
        case (.session, _): .retrieve
        default: nil
        }
    }

    var methods: [HTTPRequest.Method] {
        switch self {
        case .sessions, .session, .clock: [.get, .post]
        case .outbox: [.get]
        case .faults: [.get, .post, .delete]
        case .fault: [.delete]
        case .callbacks, .state, .inbox, .timeline, .events: [.get]
        case .reset, .seed, .expire: [.post]
        case .outcomes: [.get, .post]
        }
    }
}
