package io.quarkiverse.socketio.runtime.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
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
     * The largest message the server accepts, in bytes: an HTTP long-polling request body, or one WebSocket message.
     * A larger one closes the session (polling answers {@code 413}).
     */
    @WithDefault("1000000")
    int maxHttpBufferSize();

    /**
     * How long a client may stay connected at the Engine.IO level without joining any namespace; then its session is
     * closed.
     */
    @WithDefault("45s")
    Duration connectTimeout();

    /**
     * The transports clients may use, from {@code polling} and {@code websocket}.
     */
    @WithDefault("polling,websocket")
    List<String> transports();

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
}
