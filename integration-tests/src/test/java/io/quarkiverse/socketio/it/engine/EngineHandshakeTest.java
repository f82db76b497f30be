package io.quarkiverse.socketio.it.engine;

import static io.quarkiverse.socketio.it.engine.PollingClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * The handshake over both transports, and every way a request can be refused before it reaches a session.
 */
@QuarkusTest
class EngineHandshakeTest {

    private static final String SID = "[A-Za-z0-9_-]{20}";

    @TestHTTPResource("/engine.io/")
    URL url;

    URI base() throws Exception {
        return url.toURI();
    }

    @Test
    void pollingHandshakeAnswersTheOpenPacketWithExactlyTheSpecifiedKeys() throws Exception {
        HttpResponse<String> response = PollingClient.get(base(), "EIO=4&transport=polling&t=N8hyd6w&foo=bar");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; charset=UTF-8", response.headers().firstValue("Content-Type").orElse(null));
        String body = response.body();
        assertTrue(body.startsWith("0{"), body);
        JsonObject open = new JsonObject(body.substring(1));
        assertEquals(List.of("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"),
                List.copyOf(open.fieldNames()));
        String sid = open.getString("sid");
        assertTrue(sid.matches(SID), sid);
        assertEquals("0{\"sid\":\"" + sid + "\",\"upgrades\":[\"websocket\"],\"pingInterval\":300,\"pingTimeout\":200,"
                + "\"maxPayload\":1000000}", body, "compact JSON, in this order");
    }

    @Test
    void everyHandshakeGetsItsOwnSid() throws Exception {
        String a = PollingClient.open(base()).sid;
        String b = PollingClient.open(base()).sid;
        assertNotEquals(a, b);
    }

    @Test
    void webSocketHandshakeAnswersTheOpenPacketWithoutUpgrades() throws Exception {
        try (WsClient ws = WsClient.open(base(), true)) {
            String sid = ws.sid();
            assertTrue(sid.matches(SID), sid);
            assertEquals("0{\"sid\":\"" + sid + "\",\"upgrades\":[],\"pingInterval\":300,\"pingTimeout\":200,"
                    + "\"maxPayload\":1000000}", ws.openPacket);
        }
    }

    @Test
    void missingOrUnknownTransportIsCode0() throws Exception {
        assertError(PollingClient.get(base(), "EIO=4"), 0, "Transport unknown");
        assertError(PollingClient.get(base(), "EIO=4&transport=carrier-pigeon"), 0, "Transport unknown");
        assertError(PollingClient.get(base(), "EIO=4&transport=webtransport"), 0, "Transport unknown");
    }

    @Test
    void missingOrBadProtocolVersionIsCode5() throws Exception {
        assertError(PollingClient.get(base(), "EIO=3&transport=polling"), 5, "Unsupported protocol version");
        assertError(PollingClient.get(base(), "transport=polling"), 5, "Unsupported protocol version");
        assertError(PollingClient.get(base(), "EIO=five&transport=polling"), 5, "Unsupported protocol version");
        assertEquals("400", WsClient.refused(base(), "EIO=3&transport=websocket")[0]);
    }

    @Test
    void handshakeByAnotherMethodThanGetIsCode2() throws Exception {
        assertError(PollingClient.post(base(), "EIO=4&transport=polling", "4hello"), 2, "Bad handshake method");
        assertError(PollingClient.send(PollingClient.request(base(), "EIO=4&transport=polling")
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build()), 2, "Bad handshake method");
    }

    @Test
    void unknownSidIsCode1OnEveryTransport() throws Exception {
        String query = "EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA";
        assertError(PollingClient.get(base(), query), 1, "Session ID unknown");
        assertError(PollingClient.post(base(), query, "4hello"), 1, "Session ID unknown");
        assertEquals("400", WsClient.refused(base(), "EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAAAAAAA")[0]);
    }

    @Test
    void websocketTransportWithoutAnUpgradeIsABadRequest() throws Exception {
        assertError(PollingClient.get(base(), "EIO=4&transport=websocket"), 3, "Bad request");
        PollingClient client = PollingClient.open(base());
        assertError(PollingClient.get(base(), "EIO=4&transport=websocket&sid=" + client.sid), 3, "Bad request");
    }

    @Test
    void corsEchoesTheOriginOnPollingAndAnswersPreflight() throws Exception {
        HttpResponse<String> response = PollingClient.send(PollingClient.request(base(), "EIO=4&transport=polling")
                .header("Origin", "https://app.example.com").GET().build());
        assertEquals(200, response.statusCode());
        assertEquals("https://app.example.com",
                response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));

        HttpResponse<String> preflight = PollingClient.send(PollingClient.request(base(), "EIO=4&transport=polling")
                .header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type, x-custom")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(204, preflight.statusCode());
        assertEquals("https://app.example.com",
                preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("GET, POST", preflight.headers().firstValue("Access-Control-Allow-Methods").orElse(null));
        assertEquals("content-type, x-custom",
                preflight.headers().firstValue("Access-Control-Allow-Headers").orElse(null));

        // errors carry the CORS headers too, so a browser can read them
        HttpResponse<String> error = PollingClient.send(PollingClient.request(base(), "EIO=3&transport=polling")
                .header("Origin", "https://app.example.com").GET().build());
        assertError(error, 5, "Unsupported protocol version");
        assertEquals("https://app.example.com", error.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }
}
