package io.quarkiverse.socketio.runtime.engine;

import java.util.List;
import java.util.Map;

/**
 * What the request that opened an Engine.IO session carried.
 *
 * @param headers request headers, names lower-cased, in arrival order; repeated headers keep every value
 * @param query query parameters, in arrival order
 * @param address the remote address (IP) of the client
 * @param secure whether the request came over TLS
 * @param url the request URI (path and query)
 * @param issued when the handshake arrived, epoch milliseconds
 */
public record EngineHandshake(Map<String, List<String>> headers, Map<String, List<String>> query, String address,
        boolean secure, String url, long issued) {
}
