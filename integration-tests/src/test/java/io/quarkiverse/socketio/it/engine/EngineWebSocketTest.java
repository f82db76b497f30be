package io.quarkiverse.socketio.it.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * WebSocket transport: one packet per message, echo of text and binary, the size limit, and bad input.
 */
@QuarkusTest
class EngineWebSocketTest {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    @TestHTTPResource("/engine.io/")
    URL url;

    URI base() throws Exception {
        return url.toURI();
    }

    @Test
    void textAndBinaryMessagesAreEchoedOnePacketPerMessage() throws Exception {
        try (WsClient ws = WsClient.open(base(), true)) {
            ws.send("4hello \u00e9 \ud83d\ude00");
            assertEquals("4hello \u00e9 \ud83d\ude00", ws.nextText());
            byte[] bytes = { 0, 1, 2, (byte) 0xff, 0x1e };
            ws.sendBinary(bytes);
            assertArrayEquals(bytes, ws.nextBinary());
            ws.send("4");
            assertEquals("4", ws.nextText(), "an empty message is a message");
            // a fragmented message is one message
            ws.sendFragments("4frag", "ment", "ed");
            assertEquals("4fragmented", ws.nextText());
        }
    }

    @Test
    void messagesUpToMaxHttpBufferSizeArrive() throws Exception {
        try (WsClient ws = WsClient.open(base(), true)) {
            String large = "4" + "y".repeat(300_000); // above Vert.x's default 64 KiB frame limit
            ws.send(large);
            assertEquals(large, ws.nextText());
            String exact = "4" + "z".repeat(1_000_000 - 1);
            ws.send(exact);
            assertEquals(exact, ws.nextText());
            byte[] bytes = new byte[1_000_000];
            bytes[999_999] = 7;
            ws.sendBinary(bytes);
            assertArrayEquals(bytes, ws.nextBinary());
        }
    }

    @Test
    void aMessageAboveMaxHttpBufferSizeClosesTheSession() throws Exception {
        try (WsClient ws = WsClient.open(base(), true)) {
            String sid = ws.sid();
            ws.send("4" + "x".repeat(1_000_000));
            int status = ws.awaitClosed(CLOSE_WAIT);
            assertTrue(status == 1009 || status == -1, "closed as too big, status " + status);
            PollingClient.awaitGone(base(), sid);
        }
        // the same when the message comes in fragments
        try (WsClient ws = WsClient.open(base(), true)) {
            String sid = ws.sid();
            ws.sendFragments("4" + "a".repeat(600_000), "b".repeat(600_000));
            int status = ws.awaitClosed(CLOSE_WAIT);
            assertTrue(status == 1009 || status == -1, "closed as too big, status " + status);
            PollingClient.awaitGone(base(), sid);
        }
    }

    @Test
    void anUndecodableMessageClosesTheSession() throws Exception {
        for (String bad : List.of("x", "", "9", "b%%%")) {
            try (WsClient ws = WsClient.open(base(), true)) {
                String sid = ws.sid();
                ws.send(bad);
                ws.awaitClosed(CLOSE_WAIT);
                PollingClient.awaitGone(base(), sid);
                ws.assertNoMessage();
            }
        }
    }

    @Test
    void clientCloseClosesTheWebSocketAndTheSession() throws Exception {
        try (WsClient ws = WsClient.open(base(), true)) {
            String sid = ws.sid();
            ws.send("1");
            ws.awaitClosed(CLOSE_WAIT);
            PollingClient.awaitGone(base(), sid);
        }
    }

    @Test
    void aSessionOpenedOverWebSocketRefusesPollingAndASecondWebSocket() throws Exception {
        try (WsClient ws = WsClient.open(base(), true)) {
            String sid = ws.sid();
            PollingClient.assertError(PollingClient.get(base(), "EIO=4&transport=polling&sid=" + sid), 3, "Bad request");
            PollingClient.assertError(PollingClient.post(base(), "EIO=4&transport=polling&sid=" + sid, "4x"), 3,
                    "Bad request");
            try (WsClient second = WsClient.connect(base(), "EIO=4&transport=websocket&sid=" + sid, true)) {
                second.awaitClosed(CLOSE_WAIT);
            }
            ws.send("4still here");
            assertEquals("4still here", ws.nextText());
        }
    }
}
