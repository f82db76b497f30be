package io.quarkiverse.socketio.runtime.cluster.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vertx.core.MultiMap;

/** The router's header rules alone: what crosses, what stays behind, what it adds. */
class ForwardedHeadersTest {

    static MultiMap headers(String... nameValues) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < nameValues.length; i += 2) {
            m.add(nameValues[i], nameValues[i + 1]);
        }
        return m;
    }

    static List<String> lines(Iterable<Map.Entry<String, String>> headers) {
        List<String> lines = new ArrayList<>();
        headers.forEach(e -> lines.add(e.getKey() + ": " + e.getValue()));
        return lines;
    }

    @Test
    void endToEndHeadersCrossInOrderAndHopByHopOnesStayBehind() {
        MultiMap in = headers("Host", "example.org", "Connection", "keep-alive, X-Private", "Keep-Alive", "timeout=5",
                "X-Private", "secret", "Accept", "*/*", "TE", "trailers", "Transfer-Encoding", "chunked",
                "Proxy-Authorization", "Basic x", "Cookie", "a=1", "Cookie", "b=2", "Content-Length", "12");
        assertEquals(List.of("Host: example.org", "Accept: */*", "Cookie: a=1", "Cookie: b=2", "Content-Length: 12",
                "X-Forwarded-For: 10.0.0.7", "X-Forwarded-Proto: http", "X-Forwarded-Host: example.org"),
                lines(ForwardedHeaders.request(in, "10.0.0.7", false, false)));
    }

    @Test
    void forwardedHeadersOfAProxyInFrontAreKeptAndTheClientIsAppended() {
        MultiMap in = headers("Host", "inner:8080", "X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "example.org");
        assertEquals(List.of("Host: inner:8080", "X-Forwarded-Proto: https", "X-Forwarded-Host: example.org",
                "X-Forwarded-For: 203.0.113.9, 10.0.0.7"), lines(ForwardedHeaders.request(in, "10.0.0.7", false, false)));
    }

    @Test
    void overTlsWithoutAClientAddressOrHost() {
        assertEquals(List.of("Accept: */*", "X-Forwarded-Proto: https"),
                lines(ForwardedHeaders.request(headers("Accept", "*/*"), null, true, false)));
    }

    @Test
    void anUpgradeRequestLeavesItsExtensionsAndBodyLengthBehind() {
        MultiMap in = headers("Host", "h", "Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Key", "k==",
                "Sec-WebSocket-Version", "13", "Sec-WebSocket-Extensions", "permessage-deflate",
                "Sec-WebSocket-Protocol", "chat", "Content-Length", "0");
        assertEquals(List.of("Host: h", "Sec-WebSocket-Key: k==", "Sec-WebSocket-Version: 13",
                "Sec-WebSocket-Protocol: chat", "X-Forwarded-For: 10.0.0.7", "X-Forwarded-Proto: http",
                "X-Forwarded-Host: h"), lines(ForwardedHeaders.request(in, "10.0.0.7", false, true)));
        assertEquals("permessage-deflate",
                ForwardedHeaders.request(in, "10.0.0.7", false, false).get("Sec-WebSocket-Extensions"),
                "a plain request keeps them");
    }

    @Test
    void aRefusalKeepsItsEndToEndHeadersButNotItsLength() {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        ForwardedHeaders.copyRefusal(List.of(Map.entry("Content-Type", "application/json"),
                Map.entry("content-length", "40"), Map.entry("Connection", "close"),
                Map.entry("Transfer-Encoding", "chunked"), Map.entry("X-Trace", "1")), out);
        assertEquals(List.of("Content-Type: application/json", "X-Trace: 1"), lines(out));
    }
}
