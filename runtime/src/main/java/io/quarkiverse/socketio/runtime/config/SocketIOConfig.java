package io.quarkiverse.socketio.runtime.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/**
 * Socket.IO server configuration. Every default equals the Node.js server's default.
 */
@ConfigMapping(prefix = "quarkus.socketio")
@ConfigRoot(phase = ConfigPhase.RUN_TIME)
public interface SocketIOConfig {

    /**
     * The HTTP path the Engine.IO endpoint is served under, on the application's HTTP server. Clients must use the
     * same path (their {@code path} option). A trailing slash is added when missing.
     */
    @WithDefault("/socket.io/")
    String path();

    /**
     * How long after the connection opens, and after each pong, the server sends the next ping.
     */
    @WithDefault("25s")
    Duration pingInterval();

    /**
     * How long the server waits for the client's pong before it closes the session with reason
     * {@code ping timeout}.
     */
    @WithDefault("20s")
    Duration pingTimeout();

    /**
     * How long a transport upgrade (polling to WebSocket) may take before the WebSocket is dropped and the session
     * stays on polling.
     */
    @WithDefault("10s")
    Duration upgradeTimeout();

    /**
     * The largest message the server accepts: an HTTP long-polling request body, or one WebSocket message. A larger
     * one closes the session (polling answers {@code 413}). In bytes, or with a unit ({@code 1M}, {@code 512K}); at
     * most 2 GiB. Node's {@code maxHttpBufferSize}, 1,000,000 bytes by default.
     */
    @WithDefault("1000000")
    MemorySize maxHttpBufferSize();

    /**
     * How long a client may stay connected at the Engine.IO level without joining any namespace; then its session is
     * closed.
     */
    @WithDefault("45s")
    Duration connectTimeout();

    /**
     * The transports clients may use: {@code polling} (HTTP long-polling) and {@code websocket}. A client asking for
     * another one gets {@code 400} (Engine.IO code 0, "Transport unknown").
     */
    @WithDefault("polling,websocket")
    Set<Transport> transports();

    /** The Engine.IO transports. */
    enum Transport {
        /** HTTP long-polling. */
        POLLING,
        /** WebSocket. */
        WEBSOCKET;

        /** The name in the {@code transport} query parameter. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Whether a client that opened its session over polling may upgrade it to WebSocket.
     */
    @WithDefault("true")
    boolean allowUpgrades();

    /**
     * Cross-origin resource sharing for the long-polling requests. Off unless origins are configured, as in Node.js
     * where the {@code cors} option is unset by default.
     */
    Cors cors();

    /**
     * The cookie that the answer opening a session sets, whose value is the session's id: Node's {@code cookie} option.
     * A load balancer in front of several hosts learns from it which host holds a session. Off by default, as in
     * Node.js.
     */
    Cookie cookie();

    /**
     * The server side of the official Socket.IO Admin UI ({@code @socket.io/admin-ui}): what Node's
     * {@code instrument(io, options)} sets up. The UI connects to the admin namespace; each server process (each
     * worker of a cluster) reports itself as one server, and the UI's actions reach sockets on any server.
     */
    AdminUi adminUi();

    /**
     * The cluster: several worker processes of this application behind one primary process on the public port.
     */
    Cluster cluster();

    /**
     * How the servers of the application share rooms, broadcasts and requests. {@code local}: within one host, the
     * in-memory adapter of one process, or the cluster adapter between the workers of a cluster (through their
     * primary). {@code redis}: through Redis, wire-compatible with Node's {@code @socket.io/redis-adapter} (its
     * {@code createAdapter}). {@code redis-sharded}: Redis 7's sharded pub/sub, as Node's {@code createShardedAdapter}.
     * {@code redis-streams}: a Redis stream, as Node's {@code @socket.io/redis-streams-adapter}, which also keeps the
     * sessions of connection state recovery, so that a client comes back on any server of any host. With a Redis
     * adapter each worker process is a server of the Redis cluster, as each Node worker is; the application needs the
     * {@code io.quarkus:quarkus-redis-client} extension, and its client's address ({@code quarkus.redis.hosts}, or
     * the client {@code quarkus.socketio.redis.client-name} names). A setting of the run: the same application runs
     * on one host with {@code local} and on several with a Redis adapter.
     */
    @WithDefault("local")
    AdapterKind adapter();

    /** The adapters. */
    enum AdapterKind {
        /** In one host: in-memory, or the cluster adapter between the workers. */
        LOCAL,
        /** Node's classic Redis adapter (pub/sub). */
        REDIS,
        /** Node's sharded Redis adapter (Redis 7 sharded pub/sub). */
        REDIS_SHARDED,
        /** Node's Redis streams adapter. */
        REDIS_STREAMS;

        /** Whether this adapter reaches the other servers through Redis. */
        public boolean isRedis() {
            return this != LOCAL;
        }
    }

    /**
     * The Redis adapters ({@code quarkus.socketio.adapter=redis}, {@code redis-sharded} or {@code redis-streams}); the
     * connection itself is the Quarkus Redis client's ({@code quarkus.redis.*}).
     */
    RedisAdapter redis();

    interface RedisAdapter {
        /**
         * What the names of the channels and keys start with: Node's {@code key} option of the classic adapter,
         * {@code channelPrefix} of the sharded and streams adapters. Every server of one cluster, Java or Node, uses
         * the same.
         */
        @WithDefault("socket.io")
        String keyPrefix();

        /**
         * Classic adapter: whether this server answers a request on the requester's own response channel
         * ({@code <prefix>-response#<nsp>#<uid>#}) instead of the channel every server listens to. Node's
         * {@code publishOnSpecificResponseChannel}, off by default; either way this server listens to both.
         */
        @WithDefault("false")
        boolean publishOnSpecificResponseChannel();

        /**
         * Sharded adapter: which channels carry what. {@code static}: one channel per namespace. {@code dynamic}: one
         * more channel per room that is not a socket's own, subscribed while this server has a member in it, for the
         * broadcasts to that room alone. {@code dynamic-private}: the same for every room, the sockets' own included.
         * Node's {@code subscriptionMode}, {@code dynamic} by default. Every server of one cluster uses the same.
         */
        @WithDefault("dynamic")
        SubscriptionMode subscriptionMode();

        /** Streams adapter: the name of the stream. Node's {@code streamName}. */
        @WithDefault("socket.io")
        String streamName();

        /**
         * Streams adapter: about how many entries the stream keeps (XADD's {@code MAXLEN ~}); the oldest go first. A
         * client can recover a session only as long as the stream still holds the last broadcast it got. Node's
         * {@code maxLen}.
         */
        @WithDefault("10000")
        int maxLen();

        /** Streams adapter: how many entries one read takes (XREAD's {@code COUNT}). Node's {@code readCount}. */
        @WithDefault("100")
        int readCount();

        /**
         * Streams adapter: how long one read waits for new entries (XREAD's {@code BLOCK}). Node's
         * {@code blockTimeInMs}.
         */
        @WithDefault("5s")
        Duration blockTime();

        /**
         * Streams adapter: what the keys of the sessions kept for connection state recovery start with (the session's
         * private id follows). Node's {@code sessionKeyPrefix}.
         */
        @WithDefault("sio:session:")
        String sessionKeyPrefix();

        /**
         * How often this server tells the other Java servers of the cluster it is alive (Node's servers neither send
         * nor need these messages, and ignore them). A request across servers stops waiting for a Java server that
         * stayed silent for {@code heartbeat-timeout}.
         */
        @WithDefault("5s")
        Duration heartbeatInterval();

        /** How long a Java server may stay silent before the requests across servers stop waiting for it. */
        @WithDefault("10s")
        Duration heartbeatTimeout();
    }

    /** Sharded adapter: which channels carry what. */
    enum SubscriptionMode {
        /** One channel per namespace. */
        STATIC,
        /** One more channel per room that is not a socket's own. */
        DYNAMIC,
        /** One more channel per room, the sockets' own included. */
        DYNAMIC_PRIVATE
    }

    /**
     * Connection state recovery (Socket.IO 4.6+): a client that lost its connection comes back within a window with
     * the same socket id, rooms and data, and receives the broadcasts it missed. In a cluster the sessions and the
     * missed broadcasts are kept by the primary, so a client recovers on whichever worker it lands on.
     */
    ConnectionStateRecovery connectionStateRecovery();

    interface ConnectionStateRecovery {
        /**
         * Whether connection state recovery is on. Off by default, as in Node.js: with it on, every broadcast without
         * acknowledgement and not volatile carries an offset as its last argument, and is kept for
         * {@code max-disconnection-duration}.
         */
        @WithDefault("false")
        boolean enabled();

        /**
         * How long after a disconnection a client may come back and recover its session. Node's
         * {@code maxDisconnectionDuration}.
         */
        @WithDefault("2m")
        Duration maxDisconnectionDuration();

        /**
         * Whether a recovered socket skips the namespace's middlewares (they ran when it first connected). Node's
         * {@code skipMiddlewares}.
         */
        @WithDefault("true")
        boolean skipMiddlewares();

        /**
         * The most broadcasts kept for clients that come back, over every namespace: the oldest is dropped first. A
         * client whose last broadcast was dropped gets a new session instead of a recovered one. Not in Node.js,
         * which keeps every broadcast of the window.
         */
        @WithDefault("10000")
        int maxPackets();

        /**
         * The most bytes of broadcasts kept for clients that come back (their encoded size), over every namespace:
         * the oldest is dropped first. In bytes, or with a unit ({@code 64M}, {@code 512K}). Not in Node.js, which keeps
         * every broadcast of the window.
         */
        @WithDefault("64M")
        MemorySize maxBytes();
    }

    interface Cors {
        /**
         * The origins allowed to reach the server from a browser, for example {@code https://app.example.com}; the
         * single value {@code *} allows every origin (the request's origin is echoed back). Unset: no CORS headers
         * are sent.
         */
        Optional<List<String>> origins();

        /**
         * Whether browsers may send credentials (cookies, HTTP authentication) with cross-origin requests.
         */
        @WithDefault("false")
        boolean credentials();

        /**
         * The request headers a preflight request may ask for. Unset: the headers the preflight asked for are
         * allowed.
         */
        Optional<List<String>> allowedHeaders();

        /**
         * How long a browser may cache a preflight answer. Unset: no {@code Access-Control-Max-Age} is sent.
         */
        Optional<Duration> maxAge();
    }

    interface Cookie {
        /**
         * Whether the answer that opens a session (the first long-polling GET, or the WebSocket upgrade of a session
         * opened over WebSocket) sets the cookie. Off by default, as Node's {@code cookie} option; on, the other
         * properties default to Node's {@code {name: "io", path: "/", httpOnly: true, sameSite: "lax"}}. Turn it on
         * behind a load balancer that routes on it, as in the multi-host recipe (the guide's page "Several hosts").
         */
        @WithDefault("false")
        boolean enabled();

        /** The cookie's name (an HTTP token). Node's default {@code io}. */
        @WithDefault("io")
        String name();

        /** The cookie's {@code Path} attribute: the paths the client sends it back to. Node's default {@code /}. */
        @WithDefault("/")
        String path();

        /**
         * The cookie's {@code Domain} attribute. Unset (the default): no {@code Domain}, so the cookie goes back to the
         * host that set it only.
         */
        Optional<String> domain();

        /** Whether the cookie is {@code HttpOnly}, out of reach of the page's scripts. Node's default {@code true}. */
        @WithDefault("true")
        boolean httpOnly();

        /**
         * Whether the cookie is {@code Secure}: browsers send it back over HTTPS only. Off by default, as in Node.js;
         * the server cannot tell by itself when a proxy in front ends TLS.
         */
        @WithDefault("false")
        boolean secure();

        /**
         * The cookie's {@code SameSite} attribute: {@code strict}, {@code lax} or {@code none} (which browsers accept
         * only with {@code secure}). Node's default {@code lax}.
         */
        @WithDefault("lax")
        SameSite sameSite();

        /**
         * The cookie's {@code Max-Age}, written in whole seconds (at least one). Unset (the default, as in Node.js): a
         * session cookie, which browsers drop when they close.
         */
        Optional<Duration> maxAge();
    }

    /** The {@code SameSite} attribute of a cookie. */
    enum SameSite {
        /** {@code SameSite=Strict}. */
        STRICT,
        /** {@code SameSite=Lax}. */
        LAX,
        /** {@code SameSite=None}. */
        NONE;

        /** The attribute's value as written in {@code Set-Cookie}. */
        public String attribute() {
            String lower = name().toLowerCase(Locale.ROOT);
            return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
        }
    }

    interface Cluster {
        /**
         * How many worker processes serve the application: {@code 0} (one process, no cluster), a number up to 1024,
         * or {@code max} (one per processor available to the process when it starts). Above 0, the launched process
         * becomes the primary: it runs none of the application's code, binds the public HTTP port, launches the
         * workers with the same command line, routes each request to the worker that owns its Engine.IO session,
         * relays the cluster adapter messages between the workers, and restarts the workers that exit. This applies to
         * the packaged application (JVM jar or native binary). In dev and test mode the workers run inside the JVM
         * instead, as isolated servers joined by an in-JVM relay, and the default there is {@code 2} (the fewest that
         * show what crosses between workers), whatever the Dev Services switch says.
         */
        @WithDefault("0")
        @WithConverter(WorkerCountConverter.class)
        int workers();

        /**
         * How long a request to the other servers ({@code fetchSockets}, {@code serverSideEmitWithAck}) waits for
         * their answers before it fails with what it got: the other workers of a cluster, and the other servers of a
         * Redis adapter. Node's {@code requestsTimeout}.
         */
        @WithDefault("5s")
        Duration requestsTimeout();

        /**
         * How the primary chooses the worker of a request that carries no Engine.IO session: a handshake, or any
         * other HTTP request of the application. {@code least-connection} (the worker with the fewest sessions and
         * requests in flight, counted when the primary sends them), {@code round-robin} or {@code random}.
         */
        @WithDefault("least-connection")
        Routing routing();

        /**
         * How long a worker may take from its launch until it serves HTTP. A worker that is not ready in time is
         * killed and counts as a crash.
         */
        @WithDefault("60s")
        Duration workerStartTimeout();

        /**
         * How long the primary waits before restarting a worker that exited. The delay doubles with each consecutive
         * crash of the same worker (one that exits before it ran for {@code crash-loop.window}), up to
         * {@code restart-max-delay}.
         */
        @WithDefault("1s")
        Duration restartDelay();

        /**
         * The longest delay before restarting a worker.
         */
        @WithDefault("30s")
        Duration restartMaxDelay();

        /**
         * When a worker is restarted too often, the primary stops restarting it.
         */
        CrashLoop crashLoop();

        /**
         * How long the workers get to close their clients and exit when the primary stops (SIGTERM); those still
         * running then are killed.
         */
        @WithDefault("30s")
        Duration drainTimeout();

        /**
         * Whether the primary's management endpoints may change the cluster ({@code POST} to
         * {@code <management root>/socketio/reload}, {@code scale}, {@code restart}, {@code stop}). The primary serves
         * its status and health on Quarkus's management interface when {@code quarkus.management.enabled} is true;
         * the endpoints that change state answer 403 unless this is true too.
         */
        @WithDefault("false")
        boolean managementActions();

        /**
         * Whether the primary hands each WebSocket connection to its worker (its file descriptor, over a Unix domain
         * socket) once it has routed the upgrade request, as Node's {@code @socket.io/sticky} does: the primary then
         * copies none of its bytes. Needs Linux's native transport (epoll), which the workers and the primary then run
         * Vert.x on; elsewhere, or when false, the primary pipes the WebSocket's bytes between the client and the
         * worker. HTTP long-polling requests always go through the primary, one request at a time.
         */
        @WithDefault("true")
        boolean socketHandoff();
    }

    /** How the primary chooses the worker of a request that carries no Engine.IO session. */
    enum Routing {
        /**
         * The worker with the fewest handshakes in flight + sessions the primary knows of + plain requests in flight;
         * a handshake counts the moment the primary sends it. Ties go round-robin.
         */
        LEAST_CONNECTION,
        /** Each worker in turn. */
        ROUND_ROBIN,
        /** A worker at random. */
        RANDOM
    }

    interface CrashLoop {
        /**
         * How many restarts of one worker within {@code window} make a crash loop. The crash loop is logged and the
         * worker is not restarted any more; the others keep serving.
         */
        @WithDefault("5")
        int maxRestarts();

        /**
         * The window in which restarts are counted.
         */
        @WithDefault("60s")
        Duration window();
    }

    interface AdminUi {
        /**
         * Whether the admin namespace serves the Admin UI.
         */
        @WithDefault("false")
        boolean enabled();

        /**
         * The admin namespace, where the UI connects: Node's {@code namespaceName}.
         */
        @WithDefault("/admin")
        String namespace();

        /**
         * How the UI authenticates. {@code basic} (the default, as Node requires an explicit choice) checks the
         * {@code username} and the password against {@code password-hash}; {@code none} lets every client of the
         * admin namespace in, which a server reachable from outside must never do.
         */
        @WithDefault("basic")
        AdminAuthentication authentication();

        /**
         * The user name the UI must give with basic authentication.
         */
        Optional<String> username();

        /**
         * The bcrypt hash of the password the UI must give with basic authentication, as Node's option takes it
         * ({@code $2a$}, {@code $2b$} or {@code $2y$}), for example made by {@code htpasswd -nbBC 10 admin <password>} or
         * by the npm package {@code bcryptjs}. The password itself is never configured.
         */
        Optional<String> passwordHash();

        /**
         * How long a session the UI got by logging in stays valid: a page that reloads within it connects again
         * without the password. Sessions are signed, so they are valid on every worker and host with the same
         * {@code password-hash}.
         */
        @WithDefault("24h")
        Duration sessionDuration();

        /**
         * Whether the UI may only look: with {@code true} it gets none of the actions (emit, join, leave, disconnect).
         */
        @WithDefault("false")
        boolean readOnly();

        /**
         * What the UI receives: {@code production}, the servers' statistics only (connections, packets and bytes per
         * second); {@code development}, also every socket, room change and event, which costs a message to the UI's
         * sockets per event. Unset: {@code development} in dev and test mode, {@code production} otherwise (Node
         * decides by {@code NODE_ENV}).
         */
        Optional<AdminMode> mode();

        /**
         * The id under which this server appears in the UI. Unset: the host name, followed in a worker by {@code #}
         * and its process id, as Node does in a cluster worker (and by the worker's index in dev mode's in-JVM
         * cluster).
         */
        Optional<String> serverId();
    }

    enum AdminAuthentication {
        /** User name and bcrypt-hashed password. */
        BASIC,
        /** None: every client of the admin namespace is let in. */
        NONE
    }

    enum AdminMode {
        /** The servers' statistics only. */
        PRODUCTION,
        /** The statistics, and every socket, room change and event. */
        DEVELOPMENT
    }
}
