package io.quarkiverse.socketio;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a client sent when it connected to a namespace: the HTTP request that opened its connection, and the
 * {@code auth} object of its CONNECT packet.
 *
 * @param headers the request headers, names in lower case
 * @param query the query parameters of the request
 * @param address the client's IP address
 * @param secure whether the connection uses TLS
 * @param url the request URI
 * @param issued when the connection was opened
 * @param auth the auth object the client passed ({@code {}} when none)
 */
public record Handshake(Map<String, List<String>> headers, Map<String, List<String>> query, String address,
        boolean secure, String url, Instant issued, ObjectNode auth) {

    /** The first value of a request header, or {@code null}. The name is case-insensitive. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The first value of a query parameter, or {@code null}. */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
