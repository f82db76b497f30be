package io.quarkiverse.socketio.it.engine;

import static io.quarkiverse.socketio.it.engine.PollingClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.runtime.engine.EngineOptions;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

/**
 * The polling to WebSocket upgrade: probe, noop to the held GET, switch, and what happens around it.
 */
@QuarkusTest
class EngineUpgradeTest {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    @TestHTTPResource("/engine.io/")
    URL url;

    @Inject
    Vertx vertx;

    URI base() throws Exception {
        return url.toURI();
    }

    @Test
    void fullUpgradeSequence() throws Exception {
        PollingClient client = PollingClient.open(base());
        assertEquals("[\"websocket\"]", client.handshake.getJsonArray("upgrades").encode());
        try (WsClient ws = WsClient.connect(base(), "EIO=4&transport=websocket&sid=" + client.sid, true)) {
            // the held GET is answered by the first ping; the pong restarts the heartbeat (next ping in 300 ms)
            assertEquals(List.of("2"), client.poll());
            client.post("3");

            ws.send("2probe");
            assertEquals("3probe", ws.nextText());

            // while the upgrade is pending, a held GET gets a noop, well before the next ping (300 ms after the pong);
            // should a slow machine let the ping go first, the GET after its pong must still get the noop
            HttpResponse<String> noop = null;
            long elapsedMs = 0;
            for (int attempt = 0; attempt < 3; attempt++) {
                long start = System.nanoTime();
                noop = client.getRaw();
                elapsedMs = (System.nanoTime() - start) / 1_000_000;
                assertEquals(200, noop.statusCode());
                if (!noop.body().equals("2")) {
                    break;
                }
                client.post("3");
            }
            assertEquals("6", noop.body());
            assertTrue(elapsedMs < 250, "noop after " + elapsedMs + " ms");

            // a message sent while the client has paused polling is not lost: it leaves over the WebSocket
            client.post("4sent during the upgrade");
            ws.send("5");
            assertEquals("4sent during the upgrade", ws.nextText());

            // polling is over for this sid
            assertError(client.getRaw(), 3, "Bad request");
            assertError(client.postRaw("4too late"), 3, "Bad request");

            // a second WebSocket for the same sid is closed
            try (WsClient second = WsClient.connect(base(), "EIO=4&transport=websocket&sid=" + client.sid, true)) {
                second.awaitClosed(CLOSE_WAIT);
            }

            // the session goes on over the WebSocket, heartbeat included
            ws.send("4after");
            assertEquals("4after", ws.nextText());
            int pingsBefore = ws.pingNanos.size();
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (ws.pingNanos.size() < pingsBefore + 3 && System.nanoTime() < deadline) {
                PollingClient.pause(50);
            }
            assertTrue(ws.pingNanos.size() >= pingsBefore + 3, "pings over the WebSocket: " + ws.pingNanos.size());
            assertFalse(ws.isClosed());
            ws.sendBinary(new byte[] { 42 });
            assertEquals(42, ws.nextBinary()[0]);
        }
    }

    @Test
    void aSecondWebSocketDuringTheUpgradeIsClosedAndTheFirstGoesOn() throws Exception {
        try (PrivateEngineServer server = PrivateEngineServer.start(vertx, EnginePollingTest.slowHeartbeat())) {
            PollingClient client = PollingClient.open(server.base);
            String query = "EIO=4&transport=websocket&sid=" + client.sid;
            try (WsClient ws = WsClient.connect(server.base, query, true)) {
                ws.send("2probe");
                assertEquals("3probe", ws.nextText());
                try (WsClient second = WsClient.connect(server.base, query, true)) {
                    second.awaitClosed(CLOSE_WAIT);
                }
                assertEquals("6", client.getRaw().body());
                ws.send("5");
                ws.send("4upgraded");
                assertEquals("4upgraded", ws.nextText());
            }
        }
    }

    @Test
    void anUpgradeThatDoesNotCompleteInTimeDropsTheWebSocketAndPollingGoesOn() throws Exception {
        EngineOptions options = EnginePollingTest.slowHeartbeat().withUpgradeTimeout(Duration.ofMillis(500));
        try (PrivateEngineServer server = PrivateEngineServer.start(vertx, options)) {
            PollingClient client = PollingClient.open(server.base);
            long start = System.nanoTime();
            try (WsClient ws = WsClient.connect(server.base, "EIO=4&transport=websocket&sid=" + client.sid, true)) {
                ws.send("2probe");
                assertEquals("3probe", ws.nextText());
                ws.awaitClosed(CLOSE_WAIT);
                long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                assertTrue(elapsedMs >= 450, "closed by the upgrade timeout, after " + elapsedMs + " ms");
            }
            client.post("4still polling");
            assertEquals(List.of("4still polling"), client.receive(1));
        }
    }

    @Test
    void anUnexpectedPacketOnTheProbeDropsTheWebSocketAndPollingGoesOn() throws Exception {
        try (PrivateEngineServer server = PrivateEngineServer.start(vertx, EnginePollingTest.slowHeartbeat())) {
            PollingClient client = PollingClient.open(server.base);
            try (WsClient ws = WsClient.connect(server.base, "EIO=4&transport=websocket&sid=" + client.sid, true)) {
                ws.send("4not yet");
                ws.awaitClosed(CLOSE_WAIT);
                ws.assertNoMessage();
            }
            client.post("4polling");
            assertEquals(List.of("4polling"), client.receive(1));
        }
    }

    @Test
    void withoutAllowUpgradesNoUpgradeIsOfferedOrAccepted() throws Exception {
        EngineOptions options = EnginePollingTest.slowHeartbeat().withTransports(List.of("polling", "websocket"), false);
        try (PrivateEngineServer server = PrivateEngineServer.start(vertx, options)) {
            PollingClient client = PollingClient.open(server.base);
            assertEquals("[]", client.handshake.getJsonArray("upgrades").encode());
            try (WsClient ws = WsClient.connect(server.base, "EIO=4&transport=websocket&sid=" + client.sid, true)) {
                ws.awaitClosed(CLOSE_WAIT);
            }
            client.post("4polling");
            assertEquals(List.of("4polling"), client.receive(1));
            // a session may still start over WebSocket
            try (WsClient ws = WsClient.open(server.base, true)) {
                ws.send("4direct");
                assertEquals("4direct", ws.nextText());
            }
        }
    }
}
