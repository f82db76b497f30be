package io.quarkiverse.socketio.runtime.engine;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.quarkiverse.socketio.runtime.config.SocketIOConfig;

/**
 * The settings of one {@link EngineServer}. Defaults ({@link #defaults()}) equal the Node.js engine.io server's.
 *
 * @param pingInterval how long after the session opens, and after each pong, the server sends a ping
 * @param pingTimeout how long the server waits for the pong before it closes the session ({@code ping timeout})
 * @param upgradeTimeout how long a polling to WebSocket upgrade may take before the WebSocket is dropped
 * @param maxHttpBufferSize the largest polling request body or WebSocket message accepted, in bytes
 * @param transports the transports clients may use: {@code polling}, {@code websocket} (at least one)
 * @param allowUpgrades whether a session opened over polling may upgrade to WebSocket
 * @param cors cross-origin settings for the polling requests
 */
public record EngineOptions(Duration pingInterval, Duration pingTimeout, Duration upgradeTimeout, int maxHttpBufferSize,
        Set<String> transports, boolean allowUpgrades, Cors cors) {

    /** The long-polling transport name. */
    public static final String POLLING = "polling";
    /** The WebSocket transport name. */
    public static final String WEBSOCKET = "websocket";

    public EngineOptions {
        requirePositive(pingInterval, "pingInterval");
        requirePositive(pingTimeout, "pingTimeout");
        requirePositive(upgradeTimeout, "upgradeTimeout");
        if (maxHttpBufferSize <= 0) {
            throw new IllegalArgumentException("maxHttpBufferSize must be positive: " + maxHttpBufferSize);
        }
        Objects.requireNonNull(transports, "transports");
        Set<String> copy = new LinkedHashSet<>();
        for (String t : transports) {
            String name = t == null ? "" : t.trim();
            if (!POLLING.equals(name) && !WEBSOCKET.equals(name)) {
                throw new IllegalArgumentException("Unknown Engine.IO transport '" + t + "', expected polling or websocket");
            }
            copy.add(name);
        }
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("At least one transport is required");
        }
        transports = Collections.unmodifiableSet(copy);
        cors = cors == null ? Cors.DISABLED : cors;
    }

    /** The Node.js defaults: 25 s / 20 s / 10 s, 1,000,000 bytes, both transports, upgrades allowed, no CORS. */
    public static EngineOptions defaults() {
        return new EngineOptions(Duration.ofSeconds(25), Duration.ofSeconds(20), Duration.ofSeconds(10), 1_000_000,
                Set.of(POLLING, WEBSOCKET), true, Cors.DISABLED);
    }

    /** The engine settings of the {@code quarkus.socketio} configuration. */
    public static EngineOptions from(SocketIOConfig config) {
        SocketIOConfig.Cors c = config.cors();
        Cors cors = new Cors(c.origins().orElse(List.of()), c.credentials(), c.allowedHeaders().orElse(List.of()),
                c.maxAge().orElse(null));
        return new EngineOptions(config.pingInterval(), config.pingTimeout(), config.upgradeTimeout(),
                maxBytes(config), transportNames(config), config.allowUpgrades(), cors);
    }

    /** {@code max-http-buffer-size} in bytes: at most 2 GiB, a message being one array. */
    public static int maxBytes(SocketIOConfig config) {
        long bytes = config.maxHttpBufferSize().asLongValue();
        if (bytes < 1 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("quarkus.socketio.max-http-buffer-size must be 1 byte to 2 GiB: "
                    + bytes);
        }
        return (int) bytes;
    }

    private static Set<String> transportNames(SocketIOConfig config) {
        Set<String> names = new LinkedHashSet<>();
        config.transports().forEach(t -> names.add(t.wireName()));
        return names;
    }

    /** A copy with other ping settings. */
    public EngineOptions withHeartbeat(Duration pingInterval, Duration pingTimeout) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                cors);
    }

    /** A copy with another upgrade timeout. */
    public EngineOptions withUpgradeTimeout(Duration upgradeTimeout) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                cors);
    }

    /** A copy with another size limit. */
    public EngineOptions withMaxHttpBufferSize(int maxHttpBufferSize) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                cors);
    }

    /** A copy with other transports and upgrade permission. */
    public EngineOptions withTransports(Collection<String> transports, boolean allowUpgrades) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize,
                new LinkedHashSet<>(transports), allowUpgrades, cors);
    }

    /** A copy with other CORS settings. */
    public EngineOptions withCors(Cors cors) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                cors);
    }

    /** Whether a session opened over polling is offered the WebSocket upgrade. */
    boolean upgradesOffered() {
        return allowUpgrades && transports.contains(WEBSOCKET);
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration: " + d);
        }
    }

    /**
     * Cross-origin resource sharing for the polling requests.
     *
     * @param origins allowed origins; {@code *} allows every origin (the request's origin is echoed back); empty: no CORS
     *        headers at all
     * @param credentials whether {@code Access-Control-Allow-Credentials: true} is sent
     * @param allowedHeaders headers a preflight may ask for; empty: whatever the preflight asked for is allowed
     * @param maxAge how long a browser may cache a preflight answer; {@code null}: no {@code Access-Control-Max-Age}
     */
    public record Cors(List<String> origins, boolean credentials, List<String> allowedHeaders, Duration maxAge) {

        /** No CORS headers. */
        public static final Cors DISABLED = new Cors(List.of(), false, List.of(), null);

        public Cors {
            origins = origins == null ? List.of() : List.copyOf(origins);
            allowedHeaders = allowedHeaders == null ? List.of() : List.copyOf(allowedHeaders);
        }

        /** Whether CORS headers are sent at all. */
        public boolean enabled() {
            return !origins.isEmpty();
        }
    }
}
