package io.quarkiverse.socketio.it.admin;

import static io.quarkiverse.socketio.it.support.JavaClients.await;
import static io.quarkiverse.socketio.it.support.JavaClients.awaitCondition;
import static io.quarkiverse.socketio.it.support.JavaClients.collect;
import static io.quarkiverse.socketio.it.support.JavaClients.connect;
import static io.quarkiverse.socketio.it.support.JavaClients.emitWithAck;
import static io.quarkiverse.socketio.it.support.JavaClients.normalize;
import static io.quarkiverse.socketio.it.support.JavaClients.once;
import static io.quarkiverse.socketio.it.support.JavaClients.socket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.it.cluster.ClusterFixture;
import io.quarkiverse.socketio.it.support.JavaClients.ClientTransport;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.socket.client.Socket;

/**
 * The Admin UI in read-only production mode: the UI gets no actions and no sockets or events, only each server's
 * statistics, whose per-second counts show the traffic; an action it sends anyway is ignored.
 */
@QuarkusTest
@TestProfile(AdminUiReadOnlyTest.ReadOnlyProduction.class)
class AdminUiReadOnlyTest {

    public static class ReadOnlyProduction implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.socketio.admin-ui.enabled", "true",
                    "quarkus.socketio.admin-ui.username", "admin",
                    "quarkus.socketio.admin-ui.password-hash", AdminUiTest.CHANGEIT_HASH,
                    "quarkus.socketio.admin-ui.read-only", "true",
                    "quarkus.socketio.admin-ui.mode", "production",
                    "quarkus.socketio.ping-interval", "25s", "quarkus.socketio.ping-timeout", "20s",
                    "quarkus.socketio.connect-timeout", "45s");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void theUiOnlyLooksAndSeesTheTrafficPerSecond() throws Exception {
        Socket user = socket(base, ClusterFixture.NAMESPACE, ClientTransport.WEBSOCKET, Map.of("name", "ann"));
        Socket ui = socket(base, "/admin", ClientTransport.DEFAULT, Map.of("username", "admin",
                "password", "changeit"));
        try {
            CompletableFuture<Object[]> welcome = once(user, "welcome");
            connect(user);
            String annId = normalize(await(welcome, "welcome")[0]).get("id").asText();

            CompletableFuture<Object[]> config = once(ui, "config");
            List<JsonNode> stats = collect(ui, "server_stats");
            List<JsonNode> allSockets = collect(ui, "all_sockets");
            List<JsonNode> connected = collect(ui, "socket_connected");
            connect(ui);
            assertEquals("[\"AGGREGATED_EVENTS\"]",
                    normalize(await(config, "config")[0]).get("supportedFeatures").toString());

            for (int i = 0; i < 5; i++) {
                await(emitWithAck(user, "info"), "info");
            }
            ui.emit("_disconnect", ClusterFixture.NAMESPACE, true, annId);
            // statistics come every 2 s: wait until the packets of ann's events were counted
            awaitCondition(() -> count(stats, "packetsIn") >= 5, "ann's packets counted: " + stats);
            int seen = stats.size();
            awaitCondition(() -> stats.size() >= seen + 2, "two more statistics");
            assertTrue(user.connected(), "a read-only UI disconnects nobody");
            assertEquals(List.of(), allSockets, "production mode sends no sockets");
            assertEquals(List.of(), connected, "production mode sends no socket events");
        } finally {
            user.close();
            ui.close();
        }
    }

    /** The count of one type of the servers' aggregated events so far. */
    private static long count(List<JsonNode> stats, String type) {
        long count = 0;
        synchronized (stats) {
            for (JsonNode stat : stats) {
                for (JsonNode event : stat.get(0).get("aggregatedEvents")) {
                    if (event.get("type").asText().equals(type)) {
                        count += event.get("count").asLong();
                    }
                }
            }
        }
        return count;
    }
}
