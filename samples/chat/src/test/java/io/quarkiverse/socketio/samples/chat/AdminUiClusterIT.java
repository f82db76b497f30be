package io.quarkiverse.socketio.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The official Socket.IO Admin UI (the built UI shipped in the npm package {@code @socket.io/admin-ui}, served from
 * 127.0.0.1) in the system Chromium, against the packaged demo as a cluster of two workers with the Admin UI's server
 * side switched on ({@code quarkus.socketio.admin-ui.*}, a bcrypt hash made by bcryptjs).
 * <p>
 * {@code src/test/js/admin-ui.mjs} connects three chat users with socket.io-client (least-connection routing spreads
 * them over both workers), tries a wrong password, logs in, reads the Servers and Sockets views, each user's socket
 * page and the Events view after Alice sent a message, and clicks the disconnect button of Bob's row. The screenshots
 * of each step and the admin page's Socket.IO traffic ({@code admin-traffic.jsonl}) are left in
 * {@code target/screenshots/admin-ui/}.
 */
@Tag("cluster")
class AdminUiClusterIT {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots", "admin-ui");
    private static final long RUN_TIMEOUT_SECONDS = 150;
    private static final String USERS = "[{\"name\":\"Alice\",\"room\":\"lobby\"},{\"name\":\"Bob\",\"room\":\"lobby\"},"
            + "{\"name\":\"Carol\",\"room\":\"kitchen\"}]";
    private static final Map<String, String> ROOMS = Map.of("Alice", "lobby", "Bob", "lobby", "Carol", "kitchen");

    @Test
    void theAdminUiShowsTheClusterAndDisconnectsAUser() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        String hash = NodeScript.output("bcrypt-hash.mjs", password);
        assertTrue(hash.matches("\\$2[ab]\\$10\\$[./A-Za-z0-9]{53}"), "a bcrypt hash: " + hash);
        int uiPort = PackagedCluster.freePort();
        try (PackagedCluster cluster = PackagedCluster.start(
                "-Dquarkus.socketio.admin-ui.enabled=true",
                "-Dquarkus.socketio.admin-ui.username=admin",
                "-Dquarkus.socketio.admin-ui.password-hash=" + hash,
                "-Dquarkus.socketio.admin-ui.mode=development",
                "-Dquarkus.socketio.admin-ui.read-only=false",
                // the UI's page is served from another origin, and its client connects with credentials
                "-Dquarkus.socketio.cors.origins=http://127.0.0.1:" + uiPort,
                "-Dquarkus.socketio.cors.credentials=true")) {

            deleteScreenshots();
            JsonNode seen;
            try {
                seen = NodeScript.runBrowser("admin-ui.mjs", RUN_TIMEOUT_SECONDS,
                        "--server", "http://127.0.0.1:" + cluster.port(),
                        "--username", "admin",
                        "--password", password,
                        "--namespace", "/chat",
                        "--users", USERS,
                        "--disconnect", "Bob",
                        "--servers", "2",
                        "--ui-port", String.valueOf(uiPort),
                        "--screenshots", SCREENSHOTS.toAbsolutePath().toString());
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nthe admin page's traffic: "
                        + SCREENSHOTS.resolve("admin-traffic.jsonl").toAbsolutePath() + "\n--- cluster log\n"
                        + cluster.logText(), e);
            }
            String context = "\nwhat the UI showed: " + seen.toPrettyString() + "\nthe admin page's traffic: "
                    + SCREENSHOTS.resolve("admin-traffic.jsonl").toAbsolutePath() + "\n--- cluster log\n"
                    + cluster.logText();

            // a wrong password is refused: the modal stays, with the UI's message for the error "invalid credentials"
            assertEquals("Invalid credentials", seen.path("wrongPassword").path("error").asText(), context);
            assertTrue(seen.path("wrongPassword").path("modalOpen").asBoolean(), context);
            assertEquals("disconnected", seen.path("wrongPassword").path("status").asText(), context);
            // the right one logs in
            assertEquals("connected", seen.path("login").path("status").asText(), context);
            assertEquals(false, seen.path("login").path("modalOpen").asBoolean(true), context);

            // each worker is a server, "<hostname>#<pid>" as Node's instrument() names a cluster worker, with clients
            JsonNode servers = seen.path("servers");
            assertEquals(2, servers.size(), "servers" + context);
            Set<Long> pids = new HashSet<>();
            int clients = 0;
            for (JsonNode server : servers) {
                assertEquals(seen.path("hostname").asText(), server.path("hostname").asText(), "hostname" + context);
                assertEquals(server.path("hostname").asText() + "#" + server.path("pid").asText(),
                        server.path("serverId").asText(), "serverId" + context);
                assertEquals("Healthy", server.path("health").asText(), context);
                assertTrue(server.path("clientsCount").asInt() >= 1, "each worker has a chat user" + context);
                pids.add(server.path("pid").asLong());
                clients += server.path("clientsCount").asInt();
            }
            assertEquals(Set.copyOf(cluster.workerPids()), pids, "the workers' pids" + context);
            assertTrue(clients >= 4, "the 3 users and the UI, at least" + context);

            // the users' sockets of /chat on both workers, each with its rooms: its own id and its chat room
            assertTrue(contains(seen.path("namespaces"), "/chat"), "namespaces" + context);
            Map<String, String> ids = new HashMap<>();
            for (JsonNode socket : seen.path("sockets")) {
                String user = socket.path("user").asText(null);
                String id = socket.path("id").asText();
                assertTrue(user != null, "a socket of /chat that is none of the users': " + id + context);
                ids.put(user, id);
                assertEquals("/chat", socket.path("nsp").asText(), context);
                assertEquals("127.0.0.1", socket.path("address").asText(), context);
                assertEquals("WebSocket", socket.path("transport").asText(), context);
                assertEquals(Stream.of(id, ROOMS.get(user)).sorted().toList(), texts(socket.path("rooms")),
                        user + "'s rooms" + context);
            }
            assertEquals(ROOMS.keySet(), ids.keySet(), "the users' sockets listed" + context);

            // development mode: the Events view shows the chat message that Alice sent
            boolean received = false;
            for (JsonNode event : seen.path("events")) {
                received |= "Alice".equals(event.path("user").asText()) && "Event received".equals(event.path("type").asText())
                        && "Event name: message".equals(event.path("args").asText());
            }
            assertTrue(received, "Alice's message in the Events view" + context);

            // the disconnect button of Bob's row: Bob's client is disconnected by the server, the others are not
            JsonNode disconnect = seen.path("disconnect");
            assertEquals("io server disconnect", disconnect.path("reason").asText(), "Bob's disconnect reason" + context);
            assertEquals(List.of("Alice", "Carol"), texts(disconnect.path("stillConnected")), context);
            assertEquals(Set.of(ids.get("Alice"), ids.get("Carol")), Set.copyOf(texts(disconnect.path("socketsAfter"))),
                    "the Sockets view after the disconnect" + context);
            cluster.awaitLog("Bob left lobby", 10);

            // the page loaded from 127.0.0.1 only, without errors; a screenshot of each step
            assertEquals("[]", seen.path("external").toString(), context);
            assertEquals("[]", seen.path("errors").toString(), context);
            for (JsonNode screenshot : seen.path("screenshots")) {
                Path file = SCREENSHOTS.resolve(screenshot.asText());
                assertTrue(Files.size(file) > 10_000, "screenshot " + file.toAbsolutePath());
            }
            assertTrue(Files.exists(SCREENSHOTS.resolve("08-sockets-after.png")), context);

            cluster.stopAndCheck();
        }
    }

    private static void deleteScreenshots() throws Exception {
        Files.createDirectories(SCREENSHOTS);
        try (Stream<Path> files = Files.list(SCREENSHOTS)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
    }

    private static boolean contains(JsonNode array, String text) {
        return texts(array).contains(text);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
