package io.quarkiverse.socketio.it.client;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.it.support.JavaClients;

/**
 * Values the Java and JavaScript client tests expect, as JSON with binary written {@code {"$binary":"<base64>"}}.
 */
final class Expected {

    private Expected() {
    }

    /**
     * The arguments the echo scenarios send and must get back, in this order and with this key order:
     * {@code 1, "two", {a:[1,{b:null}], t:true, s:"é ✓"}, bytes [1,2,3], {nested: bytes [255,0,128], list: [bytes [4],
     * "x"]}, -1.5, null}.
     */
    static final String MIXED_ARGS = "[1,\"two\",{\"a\":[1,{\"b\":null}],\"t\":true,\"s\":\"\u00e9 \u2713\"},"
            + "{\"$binary\":\"AQID\"},{\"nested\":{\"$binary\":\"/wCA\"},\"list\":[{\"$binary\":\"BA==\"},\"x\"]},-1.5,null]";

    /** The rooms scenario: who got which {@code news} before the fence. */
    static final String ROOMS_NEWS = "{\"a\":[1,2,4],\"b\":[1,3],\"c\":[]}";

    /** The middleware's rejection. */
    static final String REJECTION_MESSAGE = "not authorized";
    static final String REJECTION_DATA = "{\"code\":401,\"reason\":\"bad token\"}";

    /** Client-side and server-side reasons per disconnect scenario, as the Node.js client and server give them. */
    static final Map<String, String[]> DISCONNECT_REASONS = Map.of(
            "disconnect-client", new String[] { "io client disconnect", "client namespace disconnect" },
            "disconnect-server", new String[] { "io server disconnect", "server namespace disconnect" },
            "disconnect-server-close", new String[] { "io server disconnect", "server namespace disconnect" },
            "close-transport-client", new String[] { "forced close", "transport close" },
            "close-transport-server", new String[] { "transport close", "forced close" },
            "ping-timeout", new String[] { "transport close", "ping timeout" });

    static JsonNode json(String text) {
        return JavaClients.json(text);
    }
}
