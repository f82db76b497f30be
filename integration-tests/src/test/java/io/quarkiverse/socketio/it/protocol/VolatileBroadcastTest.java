package io.quarkiverse.socketio.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.it.support.RawSocketIOClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A volatile broadcast reaches the clients that can take it right away and skips the others, as in Node.js: a
 * long-polling client with no GET held misses it, but still gets the ordinary broadcast sent after it.
 */
@QuarkusTest
class VolatileBroadcastTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/socket.io/")
    URI endpoint;

    @TestHTTPResource("/")
    URI base;

    @Test
    void volatileBroadcastSkipsAPollingClientWithNoGetHeld() throws Exception {
        try (RawSocketIOClient sender = RawSocketIOClient.open(base)) {
            String senderId = sender.connect("/rooms");

            String open = get("?EIO=4&transport=polling");
            String sid = open.substring(open.indexOf("\"sid\":\"") + 7, open.indexOf("\"", open.indexOf("\"sid\":\"") + 7));
            String session = "?EIO=4&transport=polling&sid=" + sid;
            assertEquals("ok", post(session, "40/rooms,"));
            String connected = get(session);
            assertTrue(connected.startsWith("40/rooms,{\"sid\":\""), connected);
            String pollerId = connected.substring("40/rooms,{\"sid\":\"".length(), connected.length() - 2);
            // From here on the polling client holds no GET until both broadcasts were acknowledged to the sender.

            String rooms = "[\"" + pollerId + "\",\"" + senderId + "\"]";
            sender.send("42/rooms,1[\"to-room\",{\"room\":" + rooms + ",\"volatile\":true,\"event\":\"v\",\"payload\":1}]");
            assertEquals("43/rooms,1[\"sent\"]", sender.next(WAIT, frame -> frame.startsWith("43/rooms,1")));
            sender.send("42/rooms,2[\"to-room\",{\"room\":" + rooms + ",\"event\":\"nv\",\"payload\":2}]");
            assertEquals("43/rooms,2[\"sent\"]", sender.next(WAIT, frame -> frame.startsWith("43/rooms,2")));

            List<String> polled = List.of(get(session).split("\u001e"));
            assertTrue(polled.contains("42/rooms,[\"nv\",2]"), () -> "polled " + polled);
            assertFalse(polled.contains("42/rooms,[\"v\",1]"), () -> "the volatile event was not dropped: " + polled);

            // The WebSocket client could take both.
            List<String> received = sender.received();
            assertTrue(received.indexOf("42/rooms,[\"v\",1]") >= 0, () -> "received " + received);
            assertTrue(received.indexOf("42/rooms,[\"v\",1]") < received.indexOf("42/rooms,[\"nv\",2]"),
                    () -> "received " + received);
        }
    }

    private String get(String query) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(endpoint.resolve(query)).timeout(WAIT).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        return response.body();
    }

    private String post(String query, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(endpoint.resolve(query)).timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        return response.body();
    }
}
