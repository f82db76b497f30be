package io.quarkiverse.socketio.it.admin;

import static io.quarkiverse.socketio.it.support.JavaClients.await;
import static io.quarkiverse.socketio.it.support.JavaClients.awaitCondition;
import static io.quarkiverse.socketio.it.support.JavaClients.collect;
import static io.quarkiverse.socketio.it.support.JavaClients.connect;
import static io.quarkiverse.socketio.it.support.JavaClients.normalize;
import static io.quarkiverse.socketio.it.support.JavaClients.once;
import static io.quarkiverse.socketio.it.support.JavaClients.socket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
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
 * The Admin UI's side of the protocol, spoken by the official Java client as the UI's own client speaks it, against
 * the two in-JVM workers of test mode: login with the bcrypt-checked password, the session for the next visit, the
 * features, each worker's statistics, every socket of both workers with its rooms, the events, and a disconnect that
 * reaches a socket of the other worker. The browser with the real UI is in samples/chat ({@code AdminUiClusterIT}).
 */
@QuarkusTest
@TestProfile(AdminUiTest.BasicAuth.class)
class AdminUiTest {

    /** "changeit", hashed by Node's bcrypt package as the Admin UI's documentation shows it. */
    static final String CHANGEIT_HASH = "$2b$10$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS";

    public static class BasicAuth implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.socketio.admin-ui.enabled", "true",
                    "quarkus.socketio.admin-ui.username", "admin",
                    "quarkus.socketio.admin-ui.password-hash", CHANGEIT_HASH,
                    "quarkus.socketio.ping-interval", "25s", "quarkus.socketio.ping-timeout", "20s",
                    "quarkus.socketio.connect-timeout", "45s");
        }
    }

    @TestHTTPResource("/")
    URI base;

    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void close() {
        sockets.forEach(Socket::close);
    }

    private Socket track(Socket socket) {
        sockets.add(socket);
        return socket;
    }

    /** A user of the fixture namespace in room {@code lobby}; its welcome says which worker holds it. */
    private JsonNode user(String name) throws Exception {
        Socket user = track(socket(base, ClusterFixture.NAMESPACE, ClientTransport.WEBSOCKET,
                Map.of("rooms", "lobby", "name", name)));
        CompletableFuture<Object[]> welcome = once(user, "welcome");
        connect(user);
        return normalize(await(welcome, name + "'s welcome")[0]).deepCopy();
    }

    @Test
    void theUiLogsInSeesBothWorkersAndTheirSocketsAndDisconnectsOne() throws Exception {
        // users until both workers hold one (the routing counts sessions that earlier tests' clients may still hold)
        JsonNode ann = user("ann");
        Socket annSocket = sockets.get(sockets.size() - 1);
        JsonNode bob = null;
        Socket bobSocket = null;
        for (int i = 0; i < 6 && bob == null; i++) {
            JsonNode other = user("bob");
            if (!other.get("worker").equals(ann.get("worker"))) {
                bob = other;
                bobSocket = sockets.get(sockets.size() - 1);
            }
        }
        assertTrue(bob != null, "no user landed on the second worker");

        Socket ui = track(socket(base, "/admin", ClientTransport.DEFAULT, Map.of("username", "admin",
                "password", "changeit")));
        CompletableFuture<Object[]> session = once(ui, "session");
        CompletableFuture<Object[]> config = once(ui, "config");
        CompletableFuture<Object[]> allSockets = once(ui, "all_sockets");
        List<JsonNode> stats = collect(ui, "server_stats");
        List<JsonNode> disconnected = collect(ui, "socket_disconnected");
        List<JsonNode> received = collect(ui, "event_received");
        List<JsonNode> sent = collect(ui, "event_sent");
        List<JsonNode> joined = collect(ui, "room_joined");
        List<JsonNode> connected = collect(ui, "socket_connected");
        List<JsonNode> updated = collect(ui, "socket_updated");
        connect(ui);

        assertFalse(normalize(await(session, "session")[0]).asText().isEmpty(), "a session for the next visit");
        Set<String> features = new TreeSet<>();
        normalize(await(config, "config")[0]).get("supportedFeatures").forEach(f -> features.add(f.asText()));
        assertEquals(new TreeSet<>(List.of("EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT",
                "AGGREGATED_EVENTS", "ALL_EVENTS")), features, "test mode is the development mode");

        // every socket of both workers, with its rooms, data and the client's id and transport
        JsonNode all = normalize(await(allSockets, "all_sockets")[0]);
        String bobId = bob.get("id").asText();
        for (JsonNode user : List.of(ann, bob)) {
            JsonNode found = find(all, user.get("id").asText());
            assertEquals(ClusterFixture.NAMESPACE, found.get("nsp").asText(), found.toString());
            assertTrue(found.get("rooms").toString().contains("\"lobby\""), found.toString());
            assertEquals(user.get("worker"), found.get("data").get("worker"), found.toString());
            assertFalse(found.get("data").has("_admin"), "the UI's own data is not the user's: " + found);
            assertEquals(12, found.get("clientId").asText().length(), found.toString());
            assertEquals("websocket", found.get("transport").asText(), found.toString());
            assertTrue(found.get("handshake").get("headers").has("host"), found.toString());
        }

        // each worker reports itself as a server, every 2 s, with its namespaces and sockets
        awaitCondition(() -> serverIds(stats).size() == 2, "statistics from both workers: " + stats);
        JsonNode one = stats.get(0).get(0);
        for (String field : List.of("serverId", "hostname", "pid", "uptime", "clientsCount", "pollingClientsCount",
                "aggregatedEvents", "namespaces")) {
            assertTrue(one.has(field), field + " in " + one);
        }
        assertEquals(ProcessHandle.current().pid(), one.get("pid").asLong());

        // an event of a user shows in the UI
        await(io.quarkiverse.socketio.it.support.JavaClients.emitWithAck(annSocket, "info"), "info");
        awaitCondition(() -> received.stream().anyMatch(e -> e.get(1).asText().equals(ann.get("id").asText())
                && e.get(2).get(0).asText().equals("info")), "event_received for ann's info: " + received);

        // a broadcast shows as sent to each recipient, here bob on the other worker
        await(io.quarkiverse.socketio.it.support.JavaClients.emitWithAck(annSocket, "chat",
                new org.json.JSONObject(Map.of("text", "hi all"))), "chat");
        awaitCondition(() -> sent.stream().anyMatch(e -> e.get(1).asText().equals(bobId)
                && e.get(2).toString().equals("[\"chat\",\"hi all\"]")), "event_sent of the chat to bob: " + sent);

        // the UI makes ann join a room, wherever she is
        ui.emit("join", ClusterFixture.NAMESPACE, "vip", ann.get("id").asText());
        awaitCondition(() -> joined.stream().anyMatch(e -> e.get(1).asText().equals("vip")
                && e.get(2).asText().equals(ann.get("id").asText())), "room_joined vip for ann: " + joined);

        // a newcomer on long-polling shows, then its upgrade to WebSocket
        Socket cat = track(socket(base, ClusterFixture.NAMESPACE, ClientTransport.DEFAULT, Map.of("name", "cat")));
        CompletableFuture<Object[]> catWelcome = once(cat, "welcome");
        connect(cat);
        String catId = normalize(await(catWelcome, "cat's welcome")[0]).get("id").asText();
        awaitCondition(() -> connected.stream().anyMatch(e -> e.get(0).get("id").asText().equals(catId)),
                "socket_connected for cat: " + connected);
        awaitCondition(() -> updated.stream().anyMatch(e -> e.get(0).get("id").asText().equals(catId)
                && e.get(0).get("transport").asText().equals("websocket")), "socket_updated of cat: " + updated);

        // the UI disconnects bob, whichever worker holds him
        CompletableFuture<Object[]> bobGone = once(bobSocket, Socket.EVENT_DISCONNECT);
        ui.emit("_disconnect", ClusterFixture.NAMESPACE, true, bobId);
        await(bobGone, "bob's disconnect");
        assertTrue(annSocket.connected(), "ann stays");
        awaitCondition(() -> disconnected.stream().anyMatch(e -> e.get(1).asText().equals(bobId)),
                "socket_disconnected for bob: " + disconnected);
    }

    @Test
    void aWrongPasswordIsRefusedAndASessionLetsTheUiBackWithoutIt() throws Exception {
        Socket wrong = track(socket(base, "/admin", ClientTransport.DEFAULT, Map.of("username", "admin",
                "password", "changeIt")));
        CompletableFuture<Object[]> error = once(wrong, Socket.EVENT_CONNECT_ERROR);
        wrong.connect();
        assertEquals("invalid credentials", normalize(await(error, "connect_error")[0]).get("message").asText());

        Socket login = track(socket(base, "/admin", ClientTransport.DEFAULT, Map.of("username", "admin",
                "password", "changeit")));
        CompletableFuture<Object[]> session = once(login, "session");
        connect(login);
        String sessionId = normalize(await(session, "session")[0]).asText();

        // a reloaded page connects with the session only, to whichever worker
        for (int i = 0; i < 2; i++) {
            Socket back = track(socket(base, "/admin", ClientTransport.DEFAULT, Map.of("sessionId", sessionId)));
            CompletableFuture<Object[]> config = once(back, "config");
            connect(back);
            await(config, "config after a session login");
        }
        Socket forged = track(socket(base, "/admin", ClientTransport.DEFAULT,
                Map.of("sessionId", sessionId.substring(0, sessionId.length() - 2) + "AA")));
        CompletableFuture<Object[]> refused = once(forged, Socket.EVENT_CONNECT_ERROR);
        forged.connect();
        assertEquals("invalid credentials", normalize(await(refused, "connect_error")[0]).get("message").asText());
    }

    private static JsonNode find(JsonNode sockets, String id) {
        for (JsonNode socket : sockets) {
            if (socket.get("id").asText().equals(id)) {
                return socket;
            }
        }
        throw new AssertionError("socket " + id + " not in " + sockets);
    }

    private static Set<String> serverIds(List<JsonNode> stats) {
        Set<String> ids = new TreeSet<>();
        synchronized (stats) {
            stats.forEach(s -> ids.add(s.get(0).get("serverId").asText()));
        }
        return ids;
    }
}
