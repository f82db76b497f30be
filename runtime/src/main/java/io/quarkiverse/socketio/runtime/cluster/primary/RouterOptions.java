package io.quarkiverse.socketio.runtime.cluster.primary;

import java.time.Duration;
import java.util.Objects;

import io.quarkiverse.socketio.runtime.config.SocketIOConfig.Routing;

/**
 * Settings of a {@link StickyRouter}. Plain mutable options, set before the router is created.
 */
public final class RouterOptions {

    private String path = "/socket.io/";
    private Routing strategy = Routing.LEAST_CONNECTION;
    private int maxSessions = 1_000_000;
    private Duration sessionIdleTimeout = Duration.ofSeconds(90);
    private int maxConnectionsPerWorker = 16_384;
    private int maxHandshakeResponseSize = 64 * 1024;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private int eventLoops = Runtime.getRuntime().availableProcessors();

    /** The Engine.IO path, {@code /socket.io/} by default; a leading and a trailing slash are added when missing. */
    public String path() {
        return path;
    }

    public RouterOptions path(String path) {
        Objects.requireNonNull(path, "path");
        String p = path.startsWith("/") ? path : "/" + path;
        this.path = p.endsWith("/") ? p : p + "/";
        return this;
    }

    public Routing strategy() {
        return strategy;
    }

    public RouterOptions strategy(Routing strategy) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        return this;
    }

    /** The largest number of sids the router remembers; handshakes beyond it get 503. */
    public int maxSessions() {
        return maxSessions;
    }

    public RouterOptions maxSessions(int maxSessions) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be > 0");
        }
        this.maxSessions = maxSessions;
        return this;
    }

    /**
     * A sid no request has used for this long (and with no WebSocket open through the router) is forgotten. Must be
     * longer than the workers' {@code pingInterval + pingTimeout} (45 s by default): a live polling session makes a
     * request at least that often.
     */
    public Duration sessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    public RouterOptions sessionIdleTimeout(Duration sessionIdleTimeout) {
        this.sessionIdleTimeout = Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
        return this;
    }

    /**
     * The most HTTP/1.1 connections the router opens to one worker (and the most WebSockets). Each pending long-poll
     * holds one connection, so this bounds the polling sessions a worker can serve through the router at once.
     */
    public int maxConnectionsPerWorker() {
        return maxConnectionsPerWorker;
    }

    public RouterOptions maxConnectionsPerWorker(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxConnectionsPerWorker must be > 0");
        }
        this.maxConnectionsPerWorker = max;
        return this;
    }

    /**
     * The largest answer the router reads whole: a polling handshake answer (to learn the new sid), a worker's refusal
     * of a WebSocket upgrade, the open packet of a session opened over a WebSocket.
     */
    public int maxHandshakeResponseSize() {
        return maxHandshakeResponseSize;
    }

    public RouterOptions maxHandshakeResponseSize(int size) {
        this.maxHandshakeResponseSize = size;
        return this;
    }

    /** How long connecting to a worker may take. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    public RouterOptions connectTimeout(Duration connectTimeout) {
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        return this;
    }

    /**
     * How many event loops serve the router: one HTTP server each, sharing the port (a connection and the tunnel of its
     * WebSocket stay on one). The available processors by default.
     */
    public int eventLoops() {
        return eventLoops;
    }

    public RouterOptions eventLoops(int eventLoops) {
        if (eventLoops < 1) {
            throw new IllegalArgumentException("eventLoops must be > 0");
        }
        this.eventLoops = eventLoops;
        return this;
    }
}
