package io.quarkiverse.socketio.runtime.engine;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
 * @param cookie the cookie set on the handshake answer, holding the session id; {@code null}: none (Node's default)
 */
public record EngineOptions(Duration pingInterval, Duration pingTimeout, Duration upgradeTimeout, int maxHttpBufferSize,
        Set<String> transports, boolean allowUpgrades, Cors cors, Cookie cookie) {

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

    /**
     * The Node.js defaults: 25 s / 20 s / 10 s, 1,000,000 bytes, both transports, upgrades allowed, no CORS, no cookie.
     */
    public static EngineOptions defaults() {
        return new EngineOptions(Duration.ofSeconds(25), Duration.ofSeconds(20), Duration.ofSeconds(10), 1_000_000,
                Set.of(POLLING, WEBSOCKET), true, Cors.DISABLED, null);
    }

    /** The engine settings of the {@code quarkus.socketio} configuration. */
    public static EngineOptions from(SocketIOConfig config) {
        SocketIOConfig.Cors c = config.cors();
        Cors cors = new Cors(c.origins().orElse(List.of()), c.credentials(), c.allowedHeaders().orElse(List.of()),
                c.maxAge().orElse(null));
        return new EngineOptions(config.pingInterval(), config.pingTimeout(), config.upgradeTimeout(),
                maxBytes(config), transportNames(config), config.allowUpgrades(), cors, Cookie.from(config.cookie()));
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
                cors, cookie);
    }

    /** A copy with another upgrade timeout. */
    public EngineOptions withUpgradeTimeout(Duration upgradeTimeout) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                cors, cookie);
    }

    /** A copy with another size limit. */
    public EngineOptions withMaxHttpBufferSize(int maxHttpBufferSize) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                cors, cookie);
    }

    /** A copy with other transports and upgrade permission. */
    public EngineOptions withTransports(Collection<String> transports, boolean allowUpgrades) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize,
                new LinkedHashSet<>(transports), allowUpgrades, cors, cookie);
    }

    /** A copy with other CORS settings. */
    public EngineOptions withCors(Cors cors) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                cors, cookie);
    }

    /** A copy with another handshake cookie ({@code null}: none). */
    public EngineOptions withCookie(Cookie cookie) {
        return new EngineOptions(pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize, transports, allowUpgrades,
                cors, cookie);
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

    /**
     * The cookie the handshake answer sets, whose value is the new session's id: Node's {@code cookie} option. It lets a
     * load balancer in front of several servers learn which server holds a session (HAProxy's
     * {@code cookie io prefix}, or a stick table fed from the response cookie). Only the answer that opens a session
     * sets it: the first long-polling GET, or the upgrade of a session opened over WebSocket.
     *
     * @param name the cookie's name (an HTTP token)
     * @param path the {@code Path} attribute, or {@code null} for none
     * @param domain the {@code Domain} attribute, or {@code null} for none (the cookie goes back to the host that set
     *        it)
     * @param httpOnly whether {@code HttpOnly} is set
     * @param secure whether {@code Secure} is set
     * @param sameSite {@code Strict}, {@code Lax} or {@code None}, or {@code null} for no {@code SameSite} attribute
     * @param maxAge the {@code Max-Age} attribute (whole seconds, at least one), or {@code null}: a session cookie
     */
    public record Cookie(String name, String path, String domain, boolean httpOnly, boolean secure, String sameSite,
            Duration maxAge) {

        /** Node's defaults once the option is on: {@code {name: "io", path: "/", httpOnly: true, sameSite: "lax"}}. */
        public static final Cookie DEFAULT = new Cookie("io", "/", null, true, false, "Lax", null);

        public Cookie {
            if (name == null || name.isEmpty() || !name.chars().allMatch(Cookie::isTokenChar)) {
                throw new IllegalArgumentException("Invalid cookie name '" + name + "': an HTTP token is required");
            }
            requireAttributeValue(path, "path");
            requireAttributeValue(domain, "domain");
            if (sameSite != null) {
                String normalized = switch (sameSite.trim().toLowerCase(Locale.ROOT)) {
                    case "strict" -> "Strict";
                    case "lax" -> "Lax";
                    case "none" -> "None";
                    default -> throw new IllegalArgumentException(
                            "Invalid cookie SameSite '" + sameSite + "', expected strict, lax or none");
                };
                sameSite = normalized;
            }
            if (maxAge != null && maxAge.toSeconds() < 1) {
                throw new IllegalArgumentException("The cookie's max age must be at least one second: " + maxAge);
            }
        }

        /** The cookie of the {@code quarkus.socketio.cookie} configuration, or {@code null} when it is off. */
        public static Cookie from(SocketIOConfig.Cookie config) {
            if (!config.enabled()) {
                return null;
            }
            return new Cookie(config.name(), config.path(), config.domain().orElse(null), config.httpOnly(),
                    config.secure(), config.sameSite().attribute(), config.maxAge().orElse(null));
        }

        /**
         * The {@code Set-Cookie} header value for a session, with the attributes in the order Node's {@code cookie}
         * package writes them: {@code io=<sid>; Path=/; HttpOnly; SameSite=Lax} with the defaults.
         */
        public String header(String sid) {
            StringBuilder header = new StringBuilder(64).append(name).append('=').append(sid);
            if (maxAge != null) {
                header.append("; Max-Age=").append(maxAge.toSeconds());
            }
            if (domain != null) {
                header.append("; Domain=").append(domain);
            }
            if (path != null) {
                header.append("; Path=").append(path);
            }
            if (httpOnly) {
                header.append("; HttpOnly");
            }
            if (secure) {
                header.append("; Secure");
            }
            if (sameSite != null) {
                header.append("; SameSite=").append(sameSite);
            }
            return header.toString();
        }

        private static boolean isTokenChar(int c) {
            return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
        }

        private static void requireAttributeValue(String value, String what) {
            if (value != null && (value.isEmpty()
                    || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != ';'))) {
                throw new IllegalArgumentException("Invalid cookie " + what + " '" + value
                        + "': printable ASCII without ';' is required");
            }
        }
    }
}
