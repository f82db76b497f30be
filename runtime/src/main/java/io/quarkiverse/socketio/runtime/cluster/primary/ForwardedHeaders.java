package io.quarkiverse.socketio.runtime.cluster.primary;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * The router's header rules, as a proxy's: which headers cross it and which it adds. Pure functions, for any thread.
 * <ul>
 * <li>End-to-end headers are copied in order; hop-by-hop ones, and those the {@code Connection} header names, stay
 * behind.</li>
 * <li>{@code X-Forwarded-For} gets the client's address appended; {@code X-Forwarded-Proto} and
 * {@code X-Forwarded-Host} are set when the request has none, so a TLS-terminating proxy in front keeps its values.
 * The router does not decide which of its clients are trusted: the worker's forwarded-header settings do
 * ({@code quarkus.http.proxy.proxy-address-forwarding}), and without them the worker sees the router as the remote
 * address.</li>
 * <li>An upgrade request leaves its extensions behind, so that compression is never negotiated (the router reads the
 * first frames of a piped WebSocket, see {@link WebSocketTunnel}), and any body length (it has no body).</li>
 * </ul>
 */
final class ForwardedHeaders {

    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
            "expect");
    /** Not passed on with an upgrade request. */
    static final Set<String> UPGRADE_REQUEST_EXCLUDED = Set.of("sec-websocket-extensions", "content-length");

    private ForwardedHeaders() {
    }

    /** The headers a worker gets with the client's request (with {@code webSocket}: an upgrade request). */
    static MultiMap request(HttpServerRequest req, boolean webSocket) {
        SocketAddress remote = req.remoteAddress();
        return request(req.headers(), remote == null ? null : remote.hostAddress(), req.isSSL(), webSocket);
    }

    /**
     * The headers a worker gets with a request that came with {@code in} from {@code client} (an address; null when
     * unknown), over TLS or not.
     */
    static MultiMap request(MultiMap in, String client, boolean ssl, boolean webSocket) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        copyEndToEnd(in, out, webSocket);
        if (client != null) {
            String prior = in.get("X-Forwarded-For");
            out.set("X-Forwarded-For", prior == null ? client : prior + ", " + client);
        }
        if (!in.contains("X-Forwarded-Proto")) {
            out.set("X-Forwarded-Proto", ssl ? "https" : "http");
        }
        String host = in.get(HttpHeaders.HOST);
        if (host != null && !in.contains("X-Forwarded-Host")) {
            out.set("X-Forwarded-Host", host);
        }
        return out;
    }

    /**
     * Copies the end-to-end headers: hop-by-hop ones and those the {@code Connection} header names stay behind, and
     * with {@code webSocket} those of {@link #UPGRADE_REQUEST_EXCLUDED}.
     */
    static void copyEndToEnd(MultiMap in, MultiMap out, boolean webSocket) {
        Set<String> connectionTokens = null;
        String connection = in.get(HttpHeaders.CONNECTION);
        if (connection != null) {
            connectionTokens = new HashSet<>();
            for (String token : connection.split(",")) {
                connectionTokens.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        for (Map.Entry<String, String> e : in) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || (connectionTokens != null && connectionTokens.contains(name))
                    || (webSocket && UPGRADE_REQUEST_EXCLUDED.contains(name))) {
                continue;
            }
            out.add(e.getKey(), e.getValue());
        }
    }

    /**
     * Copies the headers of a worker's refusal of an upgrade, read whole: the hop-by-hop ones and its body length stay
     * behind (the router sends the body with its own).
     */
    static void copyRefusal(Iterable<Map.Entry<String, String>> in, MultiMap out) {
        for (Map.Entry<String, String> e : in) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !"content-length".equals(name)) {
                out.add(e.getKey(), e.getValue());
            }
        }
    }
}
