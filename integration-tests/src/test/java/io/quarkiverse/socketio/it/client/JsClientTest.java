package io.quarkiverse.socketio.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.it.fixtures.DisconnectReasons;
import io.quarkiverse.socketio.it.support.JavaClients;
import io.quarkiverse.socketio.it.support.NodeScenarios;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The JavaScript {@code socket.io-client} (npm, the version pinned in {@code src/test/js/package.json}), driven by Node:
 * each test runs one scenario script of {@code src/test/js} against the server, over polling only, WebSocket only and
 * the default polling-then-upgrade, and asserts what the script observed (its one JSON result line).
 */
@QuarkusTest
class JsClientTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    DisconnectReasons reasons;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void connectRoot(String mode) throws Exception {
        JsonNode result = run("connect-root", mode);
        assertEquals(json("{}"), result.get("auth"));
        assertEquals(20, result.path("id").asText().length(), result.toString());
        assertEquals(false, result.path("recovered").asBoolean(true), "connection state recovery is off");
        assertEquals("default".equals(mode) ? "websocket" : mode, result.path("finalTransport").asText());
        if (!"default".equals(mode)) {
            assertEquals(mode, result.path("initialTransport").asText());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void connectCustomNamespaceWithAuth(String mode) throws Exception {
        JsonNode result = run("connect-custom-auth", mode);
        assertEquals("{\"token\":\"abc\",\"user\":{\"name\":\"ann\",\"tags\":[1,2]}}", result.get("auth").toString());
        assertTrue(result.path("connected").asBoolean());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void echoJsonAndBinary(String mode) throws Exception {
        JsonNode result = run("echo", mode);
        // compared as text: the key order must be kept too
        assertEquals(Expected.MIXED_ARGS, result.get("args").toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void ackFromServer(String mode) throws Exception {
        JsonNode result = run("ack-from-server", mode);
        assertEquals(Expected.MIXED_ARGS, result.get("args").toString());
        assertEquals("[\"only\"]", result.get("single").toString());
        assertEquals("[]", result.get("none").toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void ackFromClient(String mode) throws Exception {
        JsonNode result = run("ack-from-client", mode);
        assertEquals("[21,{\"$binary\":\"Bw==\"}]", result.get("question").toString());
        assertEquals("[{\"got\":[21,{\"$binary\":\"Bw==\"}]},{\"$binary\":\"CQg=\"},\"done\"]",
                result.get("answer").toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void rooms(String mode) throws Exception {
        JsonNode result = run("rooms", mode);
        assertEquals("{\"a\":[\"r1\"],\"b\":[\"r1\",\"vip\"],\"c\":[\"r2\"]}", result.get("joined").toString());
        assertEquals("[\"vip\"]", result.get("left").toString());
        assertEquals(Expected.ROOMS_NEWS, result.get("news").toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void middlewareReject(String mode) throws Exception {
        JsonNode result = run("middleware-reject", mode);
        JsonNode rejected = result.get("rejected");
        assertEquals(Expected.REJECTION_MESSAGE, rejected.path("message").asText());
        assertEquals(Expected.REJECTION_DATA, rejected.get("data").toString());
        assertFalse(rejected.path("connected").asBoolean(true));
        assertFalse(rejected.path("active").asBoolean(true), "a middleware error does not reconnect");
        assertEquals("{\"user\":\"ann\"}", result.get("welcome").toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void disconnectByClient(String mode) throws Exception {
        assertDisconnectReasons("disconnect-client", mode);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void disconnectByServer(String mode) throws Exception {
        assertDisconnectReasons("disconnect-server", mode);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void disconnectByServerWithClose(String mode) throws Exception {
        assertDisconnectReasons("disconnect-server-close", mode);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void connectionClosedByClient(String mode) throws Exception {
        assertDisconnectReasons("close-transport-client", mode);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void connectionClosedByServerOnMalformedPacket(String mode) throws Exception {
        assertDisconnectReasons("close-transport-server", mode);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void pingTimeout(String mode) throws Exception {
        JsonNode result = assertDisconnectReasons("ping-timeout", mode);
        assertTrue(result.path("pongsWithheld").asBoolean(), result.toString());
    }

    private JsonNode assertDisconnectReasons(String scenario, String mode) throws Exception {
        JsonNode result = run(scenario, mode);
        String[] expected = Expected.DISCONNECT_REASONS.get(scenario);
        assertEquals(expected[0], result.path("reason").asText(), "client-side reason");
        String id = result.path("id").asText();
        assertEquals(expected[1], reasons.of(id).get(5, TimeUnit.SECONDS).wireName(), "server-side reason of " + id);
        return result;
    }

    private JsonNode run(String scenario, String mode) throws Exception {
        return NodeScenarios.run(base, scenario, mode);
    }

    private static JsonNode json(String text) {
        return JavaClients.json(text);
    }
}
