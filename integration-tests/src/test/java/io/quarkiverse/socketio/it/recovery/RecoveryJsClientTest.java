package io.quarkiverse.socketio.it.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.it.support.NodeScenarios;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Connection state recovery in one server (its own in-memory store), with the official JavaScript client (scenarios
 * {@code src/test/js/recovery-*.mjs} on the namespace {@code /recovery}), over polling, WebSocket and the default
 * upgrade. Recovery is on, with a window of 3 s;
 * a connection is cut by the server after the client stops answering pings (500 ms interval, 1 s timeout).
 */
@QuarkusTest
@TestProfile(RecoveryJsClientTest.RecoveryOn.class)
class RecoveryJsClientTest {

    /** Recovery on, in one server (quarkus.socketio.cluster.workers=0): its own in-memory store. */
    public static class RecoveryOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new java.util.HashMap<>(RecoveryOnInJvmCluster.CONFIG);
            config.put("quarkus.socketio.cluster.workers", "0");
            return config;
        }
    }

    /** Recovery on, in the in-JVM cluster of test mode: the store is the in-JVM relay's, as the primary's. */
    public static class RecoveryOnInJvmCluster implements QuarkusTestProfile {
        // a heartbeat that survives a busy machine (the reference app's 300 ms / 200 ms does not always): the
        // scenarios cut a connection by withholding pongs, and only that connection may be cut
        static final Map<String, String> CONFIG = Map.of(
                "quarkus.socketio.ping-interval", "500ms",
                "quarkus.socketio.ping-timeout", "1s",
                "quarkus.socketio.connection-state-recovery.enabled", "true",
                "quarkus.socketio.connection-state-recovery.max-disconnection-duration", "3s");

        @Override
        public Map<String, String> getConfigOverrides() {
            return CONFIG;
        }
    }

    @TestHTTPResource("/")
    URI base;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void transportCutByTheServer(String mode) throws Exception {
        JsonNode r = NodeScenarios.run(base, "recovery-transport-cut", mode);
        String all = "\n" + r.toPrettyString();
        assertEquals("transport close", r.path("reason").asText(), all);
        assertTrue(r.path("sentWhileAway").asBoolean(), "the 50 broadcasts were sent while the client was away" + all);
        assertEquals(20, r.path("before").path("pid").asText().length(), "the CONNECT reply carries a pid" + all);
        assertTrue(r.path("after").path("recovered").asBoolean(), "socket.recovered on the client" + all);
        assertEquals(r.path("before").path("id").asText(), r.path("after").path("id").asText(), "same id" + all);
        assertEquals(r.path("before").path("pid").asText(), r.path("after").path("pid").asText(), all);
        JsonNode state = r.path("after").path("state");
        assertTrue(state.path("recovered").asBoolean(), "socket.recovered() on the server" + all);
        assertEquals("[\"news\"]", state.path("rooms").toString(), "same rooms" + all);
        assertEquals("ann", state.path("data").path("name").asText(), "same data" + all);
        assertEquals("[false,true]", state.path("connects").toString(),
                "@OnConnect ran again and saw recovered() true" + all);
        assertEquals("[\"ping timeout\"]", state.path("disconnects").toString(), "server-side reason" + all);
        assertEquals(r.path("before").path("state").path("middlewareRuns").asInt(), state.path("middlewareRuns").asInt(),
                "the middleware is skipped for a recovered socket" + all);

        List<Integer> numbers = new ArrayList<>();
        r.path("numbers").forEach(n -> numbers.add(n.asInt()));
        List<Integer> expected = new ArrayList<>();
        for (int i = -1; i <= 50; i++) {
            expected.add(i);
        }
        assertEquals(expected, numbers, "every broadcast once, in order" + all);
        for (JsonNode count : r.path("argCounts")) {
            assertEquals(2, count.asInt(), "the number, then the offset as last argument" + all);
        }
        JsonNode offsets = r.path("offsets");
        for (int i = 1; i < offsets.size(); i++) {
            assertTrue(offsets.get(i).isTextual(), all);
            assertNotEquals(offsets.get(i - 1).asText(), offsets.get(i).asText(), "offsets are unique" + all);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket" })
    void afterTheWindowANewSession(String mode) throws Exception {
        JsonNode r = NodeScenarios.run(base, "recovery-expired", mode);
        String all = "\n" + r.toPrettyString();
        assertEquals("transport close", r.path("reason").asText(), all);
        assertFalse(r.path("after").path("recovered").asBoolean(true), "not recovered after 4.5 s" + all);
        assertNotEquals(r.path("before").path("id").asText(), r.path("after").path("id").asText(), "a new id" + all);
        JsonNode state = r.path("after").path("state");
        assertFalse(state.path("recovered").asBoolean(true), all);
        assertEquals("[\"news\"]", state.path("rooms").toString(), "the rooms @OnConnect joined again" + all);
        assertEquals(r.path("before").path("state").path("middlewareRuns").asInt() + 1,
                state.path("middlewareRuns").asInt(), "a new session goes through the middleware" + all);
        assertEquals("[0]", r.path("numbers").toString(), "nothing replayed" + all);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket" })
    void anotherClientWithTheSessionIdDoesNotGetIt(String mode) throws Exception {
        JsonNode r = NodeScenarios.run(base, "recovery-forged", mode);
        String all = "\n" + r.toPrettyString();
        assertEquals(20, r.path("pidLength").asInt(), "a pid of 15 random bytes" + all);
        String annId = r.path("annId").asText();
        r.path("attempts").fields().forEachRemaining(attempt -> {
            JsonNode a = attempt.getValue();
            assertFalse(a.path("recovered").asBoolean(true), attempt.getKey() + all);
            assertNotEquals(annId, a.path("id").asText(), attempt.getKey() + ": not ann's id" + all);
            assertEquals("[]", a.path("rooms").toString(), attempt.getKey() + ": not ann's rooms" + all);
            assertEquals("mallory", a.path("data").path("name").asText(), attempt.getKey() + all);
        });
        assertEquals(4, r.path("attempts").size(), all);
        assertTrue(r.path("ann").path("recovered").asBoolean(), "ann still recovers her session" + all);
        assertEquals(annId, r.path("ann").path("id").asText(), all);
        assertEquals("[0,1,2]", r.path("ann").path("numbers").toString(), all);
    }
}
