package io.quarkiverse.socketio.it.engine;

import static io.quarkiverse.socketio.it.engine.PollingClient.SEP;
import static io.quarkiverse.socketio.it.engine.PollingClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.runtime.engine.EngineOptions;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

/**
 * Long-polling: echo, payload framing, and each way a polling client can misbehave.
 */
@QuarkusTest
class EnginePollingTest {

    @TestHTTPResource("/engine.io/")
    URL url;

    @Inject
    Vertx vertx;

    URI base() throws Exception {
        return url.toURI();
    }

    /** Heartbeats slow enough to stay out of the way of tests that hold a GET. */
    static EngineOptions slowHeartbeat() {
        return EngineOptions.defaults().withHeartbeat(Duration.ofSeconds(25), Duration.ofSeconds(20));
    }

    @Test
    void textAndBinaryMessagesAreEchoed() throws Exception {
        PollingClient client = PollingClient.open(base());
        client.post("4hello \u00e9\u00e8 \ud83d\ude00");
        assertEquals(List.of("4hello \u00e9\u00e8 \ud83d\ude00"), client.receive(1));

        String bytes = Base64.getEncoder().encodeToString(new byte[] { 0, 1, 2, (byte) 255 });
        client.post("b" + bytes);
        assertEquals(List.of("b" + bytes), client.receive(1));
    }

    @Test
    void packetsOfOnePayloadAreAllEchoedInOneResponse() throws Exception {
        try (PrivateEngineServer server = PrivateEngineServer.start(vertx, slowHeartbeat())) {
            PollingClient client = PollingClient.open(server.base);
            CompletableFuture<HttpResponse<String>> held = client.getAsync();
            PollingClient.pause(150); // let the GET be held first
            assertFalse(held.isDone(), "a GET with nothing to send is held");
            client.post("4one" + SEP + "bAQID" + SEP + "4three");
            HttpResponse<String> response = held.get(5, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertEquals("text/plain; charset=UTF-8", response.headers().firstValue("Content-Type").orElse(null));
            assertEquals("4one" + SEP + "bAQID" + SEP + "4three", response.body());
        }
    }

    @Test
    void aPayloadOfExactlyMaxHttpBufferSizeIsTaken() throws Exception {
        PollingClient client = PollingClient.open(base());
        String message = "4" + "x".repeat(1_000_000 - 1);
        client.post(message);
        assertEquals(List.of(message), client.receive(1));
    }

    @Test
    void anOversizePostIs413AndClosesTheSession() throws Exception {
        PollingClient client = PollingClient.open(base());
        HttpResponse<String> response = client.postRaw("4" + "x".repeat(1_000_000));
        assertEquals(413, response.statusCode());
        assertError(client.getRaw(), 1, "Session ID unknown");
    }

    @Test
    void anUndecodablePayloadIs400AndClosesTheSession() throws Exception {
        for (String bad : List.of("x", "", "4ok" + SEP + "9nine", "b!!not-base64!!", "4a" + SEP)) {
            PollingClient client = PollingClient.open(base());
            assertError(client.postRaw(bad), 3, "Bad request");
            assertError(client.getRaw(), 1, "Session ID unknown");
        }
    }

    @Test
    void aSecondConcurrentGetIsRefusedAndClosesTheSession() throws Exception {
        try (PrivateEngineServer server = PrivateEngineServer.start(vertx, slowHeartbeat())) {
            PollingClient client = PollingClient.open(server.base);
            CompletableFuture<HttpResponse<String>> first = client.getAsync();
            PollingClient.pause(150); // let the first GET be held
            assertFalse(first.isDone(), "a GET with nothing to send is held");
            assertError(client.getRaw(), 3, "Bad request");
            HttpResponse<String> pending = first.get(5, TimeUnit.SECONDS);
            assertEquals(200, pending.statusCode());
            assertEquals("1", pending.body(), "the pending GET is answered with close");
            assertError(client.getRaw(), 1, "Session ID unknown");
            assertEquals(0, server.engine.sessionCount());
        }
    }

    @Test
    void aPendingGetWhoseClientGoesAwayClosesTheSession() throws Exception {
        try (PrivateEngineServer server = PrivateEngineServer.start(vertx, slowHeartbeat())) {
            PollingClient client = PollingClient.open(server.base);
            try (Socket socket = new Socket("localhost", server.base.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("GET /engine.io/?" + client.query() + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.setSoTimeout(300);
                InputStream in = socket.getInputStream();
                try {
                    int read = in.read();
                    throw new AssertionError("the GET should be held, got byte " + read);
                } catch (java.net.SocketTimeoutException expected) {
                    // held, as it should be
                }
            } // the client goes away
            client.awaitGone();
        }
    }

    @Test
    void clientCloseAnswersThePendingGetWithNoopAndEndsTheSession() throws Exception {
        try (PrivateEngineServer server = PrivateEngineServer.start(vertx, slowHeartbeat())) {
            PollingClient client = PollingClient.open(server.base);
            CompletableFuture<HttpResponse<String>> held = client.getAsync();
            PollingClient.pause(150);
            client.post("1");
            HttpResponse<String> response = held.get(5, TimeUnit.SECONDS);
            assertEquals("6", response.body());
            assertError(client.getRaw(), 1, "Session ID unknown");
        }
        // and on the application's endpoint, without a held GET
        PollingClient client = PollingClient.open(base());
        client.post("1");
        assertError(client.getRaw(), 1, "Session ID unknown");
    }

    @Test
    void corsFollowsTheConfiguredOriginsCredentialsHeadersAndMaxAge() throws Exception {
        EngineOptions options = slowHeartbeat().withCors(new EngineOptions.Cors(List.of("https://good.example"), true,
                List.of("X-Token"), Duration.ofMinutes(10)));
        try (PrivateEngineServer server = PrivateEngineServer.start(vertx, options)) {
            HttpResponse<String> good = PollingClient.send(PollingClient.request(server.base, "EIO=4&transport=polling")
                    .header("Origin", "https://good.example").GET().build());
            assertEquals(200, good.statusCode());
            assertEquals("https://good.example", good.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            assertEquals("true", good.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));

            HttpResponse<String> evil = PollingClient.send(PollingClient.request(server.base, "EIO=4&transport=polling")
                    .header("Origin", "https://evil.example").GET().build());
            assertEquals(200, evil.statusCode());
            assertTrue(evil.headers().firstValue("Access-Control-Allow-Origin").isEmpty());

            HttpResponse<String> preflight = PollingClient.send(PollingClient.request(server.base,
                    "EIO=4&transport=polling").header("Origin", "https://good.example")
                    .header("Access-Control-Request-Method", "POST")
                    .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(204, preflight.statusCode());
            assertEquals("X-Token", preflight.headers().firstValue("Access-Control-Allow-Headers").orElse(null));
            assertEquals("600", preflight.headers().firstValue("Access-Control-Max-Age").orElse(null));
            assertEquals("true", preflight.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
        }
        try (PrivateEngineServer server = PrivateEngineServer.start(vertx, slowHeartbeat())) {
            HttpResponse<String> plain = PollingClient.send(PollingClient.request(server.base, "EIO=4&transport=polling")
                    .header("Origin", "https://good.example").GET().build());
            assertEquals(200, plain.statusCode());
            assertTrue(plain.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), "no CORS unless configured");
        }
    }

    @Test
    void onlyTheConfiguredTransportsAreServed() throws Exception {
        EngineOptions pollingOnly = slowHeartbeat().withTransports(List.of("polling"), true);
        try (PrivateEngineServer server = PrivateEngineServer.start(vertx, pollingOnly)) {
            assertEquals("400", WsClient.refused(server.base, "EIO=4&transport=websocket")[0]);
            PollingClient client = PollingClient.open(server.base);
            assertEquals("[]", client.handshake.getJsonArray("upgrades").encode());
        }
        EngineOptions websocketOnly = slowHeartbeat().withTransports(List.of("websocket"), true);
        try (PrivateEngineServer server = PrivateEngineServer.start(vertx, websocketOnly)) {
            assertError(PollingClient.get(server.base, "EIO=4&transport=polling"), 0, "Transport unknown");
            try (WsClient ws = WsClient.open(server.base, true)) {
                ws.send("4still works");
                assertEquals("4still works", ws.nextText());
            }
        }
    }
}
