import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import VerifySandbox

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The sandbox served over HTTP/1.1 (`vsh sandbox serve`): one shared ``VerifySandbox``
/// behind a Hummingbird server. One implementation, two doors: the embedded transport
/// calls the same object in-process.
///
/// ```swift
/// let server = SandboxServer(configuration: .init(port: 0, sandbox: VerifySandbox(configuration: .init(authToken: "sandbox"))))
/// try await server.withRunningServer { address in
///     // talk to address.url, e.g. http://127.0.0.1:49152
/// }
/// ```
public struct SandboxServer: Sendable {
    public struct Configuration: Sendable {
        /// The address to listen on: an IP or a host name. Default `127.0.0.1`.
        public var host: String
        /// The port; 0 lets the system pick a free one (see ``Address``). Default 8790.
        public var port: Int
        /// The emulator every request goes to; share it to look at its state from outside.
        public var sandbox: VerifySandbox
        /// Gets one `info` line per request (method, path without query, status, time);
        /// Hummingbird's own messages go to it from `warning` up, or from its level when lower than `info`.
        public var logger: Logger
        /// The largest request body taken; a longer one is answered 413. Default 64 KiB.
        public var maxBodySize: Int
        /// A connection with no traffic for this long is closed. Default 60 s.
        public var idleTimeout: Duration
        /// How long a graceful shutdown waits for requests in flight (a client stalled
        /// mid-body, say) before it closes their connections. Default 5 s.
        public var shutdownGracePeriod: Duration
        /// How long a status callback's receiver may take to answer before the try counts
        /// as failed. Default 8 s (what Plivo allows its messaging callbacks).
        public var callbackTimeout: Duration
        /// Host names a browser may reach the server at besides this machine's addresses,
        /// `localhost` and ``host`` (`--allow-host`: a docker-compose service name, say). A
        /// browser's request at any other name is refused, so a site that rebinds its own
        /// name to this address (DNS rebinding) reads and changes nothing.
        public var allowedHosts: [String]

        public init(
            host: String = "127.0.0.1", port: Int = 8790,
            sandbox: VerifySandbox = VerifySandbox(
                configuration: .init(authToken: "sandbox", sendsCallbacks: true, keepsEvents: true, acceptsInboxControls: true)),
            logger: Logger = Logger(label: "vsh.sandbox"), maxBodySize: Int = 64 * 1024, idleTimeout: Duration = .seconds(60),
            shutdownGracePeriod: Duration = .seconds(5), callbackTimeout: Duration = .seconds(8), allowedHosts: [String] = []
        ) {
            self.host = host
            self.port = port
            self.sandbox = sandbox
            self.logger = logger
            self.maxBodySize = maxBodySize
            self.idleTimeout = idleTimeout
            self.shutdownGracePeriod = shutdownGracePeriod
            self.callbackTimeout = callbackTimeout
            self.allowedHosts = allowedHosts
        }
    }

    /// Where the server is listening, once it is: the bound IP and port (the real one
    /// when the configuration asked for port 0).
    public struct Address: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `http://127.0.0.1:8790`, `http://[::1]:8790`; no trailing slash.
        public var url: String { host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)" }
        public var description: String { url }
    }

    /// Why the server could not start listening.
    public enum StartFailure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Something else listens on that port.
        case addressInUse(host: String, port: Int)
        /// Any other reason: a host that does not resolve or is not this machine's, a port that needs privileges.
        case cannotListen(host: String, port: Int, reason: String)

        public var description: String {
            switch self {
            case .addressInUse(let host, let port):
                "cannot listen on \(host):\(port): the address is already in use (is another sandbox running? try --port)"
            case .cannotListen(let host, let port, let reason):
                "cannot listen on \(host):\(port): \(reason)"
            }
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Serves until SIGINT or SIGTERM, then stops gracefully (requests in flight are
    /// answered, for at most ``Configuration/shutdownGracePeriod``) and returns.
    /// Cancelling the calling task stops it too.
    ///
    /// - Parameter onListening: called once, when the socket is bound, with the real address.
    /// - Throws: ``StartFailure`` when it cannot listen.
    public func run(onListening: @escaping @Sendable (Address) async -> Void = { _ in }) async throws {
        let listening = Atomic<Bool>(false)
        let app = makeApplication { address in
            listening.store(true, ordering: .releasing)
            await onListening(address)
        }
        do {
            try await serviceGroup(running: app, handlingSignals: true).run()
        } catch {
            guard listening.load(ordering: .acquiring) else { throw startFailure(error) }
            // A shutdown that outlived the grace period ends in cancellation: still a clean stop.
            if error is CancellationError { return }
            throw error
        }
    }

    /// Starts the server (no signal handling), runs `body` with the address it listens
    /// on, then shuts the server down gracefully and returns what `body` returned. For
    /// tests: with `port: 0` every test gets its own free port.
    ///
    /// - Throws: ``StartFailure`` when it cannot listen; what `body` throws.
    public func withRunningServer<Result>(_ body: (Address) async throws -> Result) async throws -> Result {
        let (addresses, continuation) = AsyncStream.makeStream(of: Address.self)
        let app = makeApplication { address in
            continuation.yield(address)
            continuation.finish()
        }
        let group = serviceGroup(running: app, handlingSignals: false)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { continuation.finish() }
                try await group.run()
            }
            guard let address = await addresses.first(where: { _ in true }) else {
                // The server stopped before it listened: its error says why.
                do {
                    try await tasks.waitForAll()
                } catch {
                    throw startFailure(error)
                }
                throw StartFailure.cannotListen(host: configuration.host, port: configuration.port, reason: "the server stopped")
            }
            do {
                let result = try await body(address)
                await group.triggerGracefulShutdown()
                do {
                    try await tasks.waitForAll()
                } catch is CancellationError {
                    // The grace period ran out: connections were closed, the server is stopped.
                }
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    /// The Hummingbird application itself: for HummingbirdTesting (`app.test(.router)`,
    /// `.live`) or to run inside a `ServiceGroup` of your own.
    public func application(onListening: @escaping @Sendable (Address) async -> Void = { _ in }) -> some ApplicationProtocol {
        makeApplication(onListening: onListening)
    }

    func makeApplication(onListening: @escaping @Sendable (Address) async -> Void) -> Application<SandboxResponder> {
        let responder = SandboxResponder(
            sandbox: configuration.sandbox, maxBodySize: configuration.maxBodySize, logger: configuration.logger,
            allowedHosts: [configuration.host] + configuration.allowedHosts)
        let host = configuration.host
        let port = configuration.port
        let idleTimeout = configuration.idleTimeout
        let sandbox = configuration.sandbox
        return Application(
            responder: responder,
            server: HTTPServerBuilder { responder in
                SandboxHTTP1Channel(responder: responder, idleTimeout: idleTimeout, errorResponse: { sandbox.response(for: $0) })
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "vsh-sandbox"),
            onServerRunning: { channel in
                let local = channel.localAddress
                await onListening(Address(host: local?.ipAddress ?? host, port: local?.port ?? port))
            },
            logger: hummingbirdLogger
        )
    }

    /// One service group for the application: graceful shutdown on SIGINT and SIGTERM when
    /// `handlingSignals`, escalated to cancellation after the grace period.
    func serviceGroup(running app: some Service, handlingSignals: Bool) -> ServiceGroup {
        var services: [any Service] = [app]
        if configuration.sandbox.configuration.sendsCallbacks {
            services.append(
                CallbackDeliverer(sandbox: configuration.sandbox, timeout: configuration.callbackTimeout, logger: configuration.logger))
        }
        var group = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [], logger: hummingbirdLogger)
        group.maximumGracefulShutdownDuration = configuration.shutdownGracePeriod
        return ServiceGroup(configuration: group)
    }

    /// The configured logger for Hummingbird's own messages: quieter than the request lines.
    var hummingbirdLogger: Logger {
        var logger = configuration.logger
        if logger.logLevel >= .info { logger.logLevel = max(logger.logLevel, .warning) }
        return logger
    }

    /// An error met before listening, as one of ours.
    func startFailure(_ error: any Error) -> any Error {
        let host = configuration.host
        let port = configuration.port
        if let error = error as? IOError {
            if error.errnoCode == EADDRINUSE { return StartFailure.addressInUse(host: host, port: port) }
            return StartFailure.cannotListen(host: host, port: port, reason: String(cString: strerror(error.errnoCode)).lowercased())
        }
        if let error = error as? SocketAddressError.UnknownHost {
            return StartFailure.cannotListen(host: host, port: port, reason: "unknown host (\(error.errorDescription.lowercased()))")
        }
        if error is SocketAddressError {
            return StartFailure.cannotListen(host: host, port: port, reason: "not an address this machine can listen on")
        }
        return StartFailure.cannotListen(host: host, port: port, reason: "\(error)")
    }
}
