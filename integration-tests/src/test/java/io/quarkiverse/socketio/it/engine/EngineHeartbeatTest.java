package io.quarkiverse.socketio.it.engine;

import static io.quarkiverse.socketio.it.engine.PollingClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The server-driven heartbeat with the test settings: ping every 300 ms, pong expected within 200 ms.
 */
@QuarkusTest
class EngineHeartbeatTest {

    private static final Duration WATCH = Duration.ofMillis(2500);

    @TestHTTPResource("/engine.io/")
    URL url;

    URI base() throws Exception {
        return url.toURI();
    }

    @Test
    void aPollingClientThatAnswersPingsStaysAlive() throws Exception {
        PollingClient client = PollingClient.open(base());
        long start = System.nanoTime();
        List<Long> pings = new ArrayList<>();
        while (System.nanoTime() - start < WATCH.toNanos()) {
            List<String> packets = client.poll();
            for (String p : packets) {
                if (p.equals("2")) {
                    pings.add(System.nanoTime());
                    client.post("3");
                }
            }
        }
        // 2.5 s at one ping per 300 ms (plus round trips): about 8
        assertTrue(pings.size() >= 6, "pings: " + pings.size());
        for (int i = 1; i < pings.size(); i++) {
            long gapMs = (pings.get(i) - pings.get(i - 1)) / 1_000_000;
            assertTrue(gapMs >= 250, "pings " + gapMs + " ms apart");
        }
        client.post("4alive");
        assertEquals(List.of("4alive"), client.receive(1));
    }

    @Test
    void aPollingClientThatDoesNotAnswerIsClosedAfterPingTimeout() throws Exception {
        PollingClient client = PollingClient.open(base());
        long start = System.nanoTime();
        assertEquals(List.of("2"), client.poll());
        long pingMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(pingMs >= 250, "first ping after " + pingMs + " ms");
        // no pong: the next held GET is answered with close once pingTimeout has passed
        long waitStart = System.nanoTime();
        assertEquals(List.of("1"), client.poll());
        long closeMs = (System.nanoTime() - waitStart) / 1_000_000;
        assertTrue(closeMs >= 100 && closeMs < 1000, "closed " + closeMs + " ms after the ping");
        assertError(client.getRaw(), 1, "Session ID unknown");
    }

    @Test
    void aWebSocketClientThatAnswersPingsStaysAlive() throws Exception {
        try (WsClient ws = WsClient.open(base(), true)) {
            long start = System.nanoTime();
            long deadline = start + WATCH.toNanos();
            while (System.nanoTime() < deadline && !ws.isClosed()) {
                PollingClient.pause(50);
            }
            assertFalse(ws.isClosed(), "closed while answering pings");
            assertTrue(ws.pingNanos.size() >= 6, "pings: " + ws.pingNanos.size());
            for (int i = 1; i < ws.pingNanos.size(); i++) {
                long gapMs = (ws.pingNanos.get(i) - ws.pingNanos.get(i - 1)) / 1_000_000;
                assertTrue(gapMs >= 250, "pings " + gapMs + " ms apart");
            }
            ws.send("4alive");
            assertEquals("4alive", ws.nextText());
        }
    }

    @Test
    void aWebSocketClientThatDoesNotAnswerIsClosedAfterPingTimeout() throws Exception {
        try (WsClient ws = WsClient.open(base(), false)) {
            String sid = ws.sid();
            assertEquals("2", ws.nextText());
            long pingAt = System.nanoTime();
            ws.awaitClosed(Duration.ofSeconds(3));
            long closeMs = (System.nanoTime() - pingAt) / 1_000_000;
            assertTrue(closeMs >= 100, "closed " + closeMs + " ms after the ping");
            PollingClient.awaitGone(base(), sid);
        }
    }
}
