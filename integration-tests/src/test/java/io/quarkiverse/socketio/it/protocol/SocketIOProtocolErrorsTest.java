package io.quarkiverse.socketio.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.it.fixtures.DisconnectReasons;
import io.quarkiverse.socketio.it.support.Bystanders;
import io.quarkiverse.socketio.it.support.JavaClients;
import io.quarkiverse.socketio.it.support.RawPollingClient;
import io.quarkiverse.socketio.it.support.RawSocketIOClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Bad input at the Socket.IO level, sent as raw WebSocket frames after the Engine.IO handshake, with the outcomes of
 * the Node.js server (socket.io 4.8): a malformed packet, or a packet for a namespace the client did not join, closes
 * that client's Engine.IO session; an unknown namespace gets {@code CONNECT_ERROR} and the session stays open; no
 * CONNECT within {@code connect-timeout} closes the session. Meanwhile two other clients (one over polling, one over
 * WebSocket) keep exchanging events with acks, unaffected.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SocketIOProtocolErrorsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TestHTTPResource("/")
    URI base;

    @Inject
    DisconnectReasons reasons;

    private Bystanders bystanders;

    @BeforeAll
    void startBystanders() throws Exception {
        bystanders = Bystanders.start(base);
    }

    @AfterEach
    void othersUnaffected() throws Exception {
        bystanders.assertStillExchanging();
    }

    @AfterAll
    void stopBystanders() {
        if (bystanders != null) {
            bystanders.close();
        }
    }

    @Test
    void handshakeCarriesTheReferenceSettings() throws Exception {
        try (RawSocketIOClient client = RawSocketIOClient.open(base)) {
            JsonNode open = JavaClients.json(client.handshake().substring(1));
            assertEquals(20, open.path("sid").asText().length(), client.handshake());
            assertEquals(JavaClients.json("[]"), open.get("upgrades"), client.handshake());
            assertEquals(300, open.path("pingInterval").asInt(), client.handshake());
            assertEquals(200, open.path("pingTimeout").asInt(), client.handshake());
            assertEquals(1000000, open.path("maxPayload").asInt(), client.handshake());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "49", "48", "47[\"message\"]", "4x" })
    void unknownPacketTypeClosesTheSession(String packet) throws Exception {
        assertMalformedClosesTheSession(packet);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "42{\"a\":1}", "42\"message\"", "42[]", "42[{}]", "42[true]", "42[null]", "42[\"message\"" })
    void eventPayloadThatIsNotAnArrayStartingWithANameClosesTheSession(String packet) throws Exception {
        assertMalformedClosesTheSession(packet);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener" })
    void reservedEventNameClosesTheSession(String name) throws Exception {
        assertMalformedClosesTheSession("42[\"" + name + "\",1]");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "42abc[\"message-with-ack\",1]", "42-1[\"message-with-ack\",1]", "43abc[1]" })
    void nonNumericAckIdClosesTheSession(String packet) throws Exception {
        assertMalformedClosesTheSession(packet);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "42/custom,[\"message\",1]", "42/custom,1[\"message\",1]", "43/custom,1[]", "41/custom,",
            "42/nope,[\"message\",1]" })
    void packetForANamespaceNotJoinedClosesTheSession(String packet) throws Exception {
        try (RawSocketIOClient client = RawSocketIOClient.open(base)) {
            String socketId = client.connect("/");
            client.send(packet);
            client.awaitClosed(WAIT);
            // Node.js: Client.close() -> conn.close(), whose close event gives "forced close" first
            assertEquals(DisconnectReason.FORCED_CLOSE, serverReason(socketId));
        }
    }

    @Test
    void secondConnectToAJoinedNamespaceClosesTheSession() throws Exception {
        try (RawSocketIOClient client = RawSocketIOClient.open(base)) {
            String socketId = client.connect("/");
            client.send("40");
            client.awaitClosed(WAIT);
            assertEquals(DisconnectReason.FORCED_CLOSE, serverReason(socketId));
        }
    }

    @Test
    void unknownNamespaceGetsConnectErrorAndTheSessionStaysOpen() throws Exception {
        try (RawSocketIOClient client = RawSocketIOClient.open(base)) {
            client.send("40/nope,");
            assertEquals("44/nope,{\"message\":\"Invalid namespace\"}", client.next(WAIT));
            client.send("40/nope,{\"token\":\"x\"}");
            assertEquals("44/nope,{\"message\":\"Invalid namespace\"}", client.next(WAIT));

            // the session is still open and usable
            client.connect("/");
            client.send("421[\"message-with-ack\",\"still here\"]");
            assertEquals("431[\"still here\"]", client.next(WAIT, frame -> frame.startsWith("43")));
            assertFalse(client.isClosed(), () -> "closed: " + client.received());
        }
    }

    @Test
    void noConnectWithinConnectTimeoutClosesTheSession() throws Exception {
        try (RawSocketIOClient client = RawSocketIOClient.open(base)) {
            client.awaitClosed(WAIT);
            long after = client.closedAfterMillis();
            // connect-timeout is 1000 ms; the pings were answered, so it is not a ping timeout (500 ms)
            assertTrue(after >= 900, "closed after " + after + " ms, before connect-timeout (1000 ms)");
            assertTrue(client.pongsSent() >= 2, "pongs sent: " + client.pongsSent());
            assertEquals(java.util.List.of(client.handshake()), client.received(), "nothing but the open packet");
        }
    }

    @Test
    void connectBeforeConnectTimeoutKeepsTheSession() throws Exception {
        try (RawSocketIOClient client = RawSocketIOClient.open(base)) {
            client.connect("/custom");
            // stays open past the connect timeout (1000 ms): count the pings answered across 1.5 s of session time
            int pongs = client.pongsSent();
            JavaClients.awaitCondition(() -> client.pongsSent() >= pongs + 5 || client.isClosed(), "5 more pings");
            assertFalse(client.isClosed(), () -> "closed: " + client.received());
        }
    }

    @Test
    void clientLeavingANamespaceGetsNoReplyAndKeepsTheSession() throws Exception {
        try (RawSocketIOClient client = RawSocketIOClient.open(base)) {
            String socketId = client.connect("/custom");
            client.connect("/");
            client.send("41/custom,");
            assertEquals(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT, serverReason(socketId));
            client.send("421[\"message-with-ack\",2]");
            assertEquals("431[2]", client.next(WAIT, frame -> frame.startsWith("4") && !frame.startsWith("42")));
            assertFalse(client.isClosed());
        }
    }

    @Test
    void serverDisconnectWithoutCloseKeepsTheSession() throws Exception {
        try (RawSocketIOClient client = RawSocketIOClient.open(base)) {
            String socketId = client.connect("/rooms");
            client.send("42/rooms,[\"bye\",false]");
            assertEquals("41/rooms,", client.next(WAIT));
            assertEquals(DisconnectReason.SERVER_NAMESPACE_DISCONNECT, serverReason(socketId));
            client.connect("/rooms");
            assertFalse(client.isClosed());
        }
    }

    @Test
    void serverDisconnectWithCloseClosesTheSession() throws Exception {
        try (RawSocketIOClient client = RawSocketIOClient.open(base)) {
            String socketId = client.connect("/rooms");
            client.send("42/rooms,[\"bye\",true]");
            assertEquals("41/rooms,", client.next(WAIT));
            client.awaitClosed(WAIT);
            assertEquals(DisconnectReason.SERVER_NAMESPACE_DISCONNECT, serverReason(socketId));
        }
    }

    @Test
    void serverDisconnectWithCloseOverPollingSendsTheDisconnectBeforeClosing() throws Exception {
        try (RawPollingClient client = RawPollingClient.open(base)) {
            assertEquals("200 ok", client.post("40/rooms,"));
            String reply = client.next(WAIT);
            assertTrue(reply.startsWith("40/rooms,{\"sid\":\""), reply);
            String socketId = reply.substring("40/rooms,{\"sid\":\"".length(), reply.length() - 2);
            assertEquals("200 ok", client.post("42/rooms,[\"bye\",true]"));
            client.awaitClosed(WAIT);
            assertEquals("41/rooms,", client.next(Duration.ofMillis(100)), () -> "received " + client.received());
            assertEquals(DisconnectReason.SERVER_NAMESPACE_DISCONNECT, serverReason(socketId));
            // Node.js answers a GET with the DISCONNECT, and only the next GET with the close packet ("6\u001e1"). In
            // the same payload, socket.io-client 4.8 handles the close first (it decodes packets a tick later) and
            // reports "transport close" instead of "io server disconnect".
            String disconnectPayload = client.responses().stream().filter(body -> body.contains("41/rooms,")).findFirst()
                    .orElseThrow();
            assertFalse(java.util.Arrays.asList(disconnectPayload.split("\u001e")).contains("1"),
                    () -> "the DISCONNECT and the close packet in one payload: " + client.responses());
        }
    }

    @Test
    void unansweredPingsCloseTheSessionWithPingTimeout() throws Exception {
        try (RawSocketIOClient client = RawSocketIOClient.open(base, false)) {
            String socketId = client.connect("/");
            client.awaitClosed(WAIT);
            assertEquals(DisconnectReason.PING_TIMEOUT, serverReason(socketId));
            long after = client.closedAfterMillis();
            // ping at 300 ms, no pong within 200 ms
            assertTrue(after >= 400, "closed after " + after + " ms");
        }
    }

    /**
     * After a CONNECT to {@code /}, sends a malformed packet: the session closes and the socket leaves with reason
     * {@code forced close} (Node.js: parser error -> Client.onerror -> conn.close()).
     */
    private void assertMalformedClosesTheSession(String packet) throws Exception {
        try (RawSocketIOClient client = RawSocketIOClient.open(base)) {
            String socketId = client.connect("/");
            client.send(packet);
            client.awaitClosed(WAIT);
            assertEquals(DisconnectReason.FORCED_CLOSE, serverReason(socketId));
        }
    }

    private DisconnectReason serverReason(String socketId) throws Exception {
        return reasons.of(socketId).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
