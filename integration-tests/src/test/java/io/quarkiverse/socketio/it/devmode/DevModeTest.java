package io.quarkiverse.socketio.it.devmode;

import static io.quarkiverse.socketio.it.support.JavaClients.await;
import static io.quarkiverse.socketio.it.support.JavaClients.awaitCondition;
import static io.quarkiverse.socketio.it.support.JavaClients.connect;
import static io.quarkiverse.socketio.it.support.JavaClients.emitWithAck;
import static io.quarkiverse.socketio.it.support.JavaClients.once;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.socketio.it.support.JavaClients;
import io.quarkiverse.socketio.it.support.JavaClients.ClientTransport;
import io.quarkus.test.QuarkusDevModeTest;
import io.socket.client.Socket;

/**
 * {@code quarkus dev} with the extension: the dev cluster of two in-JVM workers (nothing configured, and Dev Services
 * off: the build's default in dev mode), the Dev UI card (its JSON-RPC methods over the Dev UI's WebSocket, and its page in a
 * real Chromium),
 * and
 * live reload of a handler. Each test starts from a freshly started dev-mode application.
 */
class DevModeTest {

    /** Fixed: the dev-mode application does not report a random port to the test. */
    static final int PORT = 8097;
    static final URI BASE = URI.create("http://localhost:" + PORT + "/");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path SCRIPTS = Path.of("src", "test", "js");
    private static final Path SCREENSHOTS = Path.of("target", "dev-ui-screenshots");
    /**
     * The request that makes dev mode reload: HTTP/1.1, which dev mode holds until the reload is done. Over HTTP/2 (the
     * JDK client's default, by h2c upgrade) the reload could end the connection with GOAWAY under the request.
     */
    private static final HttpClient RELOAD_TRIGGER = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @RegisterExtension
    static final QuarkusDevModeTest TEST = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClass(DevRoomsNamespace.class)
                    // Dev Services off, as in many CI setups: the two workers are the build's default all the same
                    .addAsResource(new org.jboss.shrinkwrap.api.asset.StringAsset(
                            "quarkus.http.port=" + PORT + "\nquarkus.devservices.enabled=false\n"),
                            "application.properties"));

    private final List<Socket> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(Socket::close);
    }

    private Socket client(String name, String room, String token) throws Exception {
        return client(name, room, token, ClientTransport.WEBSOCKET);
    }

    /**
     * A client of /dev. A client that must notice when its server goes away uses polling: the Java client over
     * WebSocket notices a closed connection only at its ping timeout (its OkHttp WebSocket stays in CLOSE-WAIT; the
     * JavaScript client notices at once).
     */
    private Socket client(String name, String room, String token, ClientTransport transport) throws Exception {
        Map<String, String> auth = new LinkedHashMap<>();
        auth.put("name", name);
        auth.put("room", room);
        auth.put("token", token);
        Socket socket = JavaClients.socket(BASE, "/dev", transport, auth);
        clients.add(socket);
        return connect(socket);
    }

    private static int workerOf(Socket socket) throws Exception {
        return (Integer) await(emitWithAck(socket, "where"), "where")[0];
    }

    /**
     * Three clients in two rooms: the JSON-RPC methods list two workers, and each socket under the worker that holds
     * it, in its room, with its handshake (the auth token masked) and data. Then the actions: a test event to a
     * room, a disconnect, a worker restart.
     */
    @Test
    void jsonRpcListsWorkersRoomsAndSocketsAndActs() throws Exception {
        Socket ann = client("ann", "red", "s3cret-ann", ClientTransport.POLLING);
        Socket bob = client("bob", "red", "s3cret-bob");
        Socket cid = client("cid", "blue", "s3cret-cid");
        String annId = ann.id();
        String cidId = cid.id();
        Map<String, Integer> workers = Map.of(annId, workerOf(ann), bob.id(), workerOf(bob), cidId, workerOf(cid));
        assertEquals(Set.of(1, 2), Set.copyOf(workers.values()), "handshakes spread over both workers " + workers);

        try (DevUiJsonRpc rpc = DevUiJsonRpc.connect(BASE)) {
            JsonNode listed = rpc.call("getWorkers", Map.of());
            assertEquals(2, listed.size(), listed.toPrettyString());
            int total = 0;
            for (JsonNode w : listed) {
                assertEquals("ready", w.path("state").asText(), w.toString());
                assertEquals(0, w.path("restarts").asInt(), w.toString());
                int expected = (int) workers.values().stream().filter(i -> i == w.path("index").asInt()).count();
                assertEquals(expected, w.path("socketsPerNamespace").path("/dev").asInt(), w.toString());
                total += w.path("sockets").asInt();
            }
            assertEquals(3, total, listed.toPrettyString());

            JsonNode sockets = rpc.call("getSockets", Map.of());
            Map<String, Integer> listedWorker = new HashMap<>();
            Map<String, Set<String>> rooms = new HashMap<>();
            for (JsonNode w : sockets) {
                for (JsonNode ns : w.path("namespaces")) {
                    if (!ns.path("name").asText().equals("/dev")) {
                        continue;
                    }
                    for (JsonNode s : ns.path("sockets")) {
                        listedWorker.put(s.path("id").asText(), w.path("worker").asInt());
                        assertEquals(s.path("id").asText().equals(annId) ? "polling" : "websocket",
                                s.path("transport").asText(), s.toString());
                        assertEquals("******", s.path("auth").path("token").asText(), "the token is masked " + s);
                        assertTrue(s.path("auth").path("name").isTextual(), s.toString());
                        assertTrue(s.path("data").path("name").isTextual(), s.toString());
                        assertTrue(s.path("headers").isObject() && s.path("address").isTextual(), s.toString());
                        assertTrue(!s.toString().contains("s3cret"), "no secret anywhere " + s);
                    }
                    for (JsonNode room : ns.path("rooms")) {
                        Set<String> members = new TreeSet<>();
                        room.path("members").forEach(m -> members.add(m.asText()));
                        rooms.merge(room.path("name").asText(), members, (a, b) -> {
                            a.addAll(b);
                            return a;
                        });
                    }
                }
            }
            assertEquals(workers, listedWorker, "each socket under the worker that holds it");
            assertEquals(new TreeSet<>(Set.of(annId, bob.id())), rooms.get("red"), rooms.toString());
            assertEquals(Set.of(cidId), rooms.get("blue"), rooms.toString());

            // a test event to the room "red", from the Dev UI: ann and bob get it, cid does not
            CompletableFuture<Object[]> annGot = once(ann, "dev-ping");
            CompletableFuture<Object[]> bobGot = once(bob, "dev-ping");
            CompletableFuture<Object[]> cidGot = once(cid, "dev-ping");
            JsonNode emitted = rpc.call("emitEvent", Map.of("namespace", "/dev", "to", "red", "event", "dev-ping",
                    "payload", "{\"n\":1}"));
            assertTrue(emitted.path("success").asBoolean(), emitted.toString());
            assertEquals("{\"n\":1}", JavaClients.normalize(await(annGot, "dev-ping to ann")[0]).toString());
            await(bobGot, "dev-ping to bob");
            Thread.sleep(200);
            assertTrue(!cidGot.isDone(), "cid is not in red");

            // disconnect cid from the Dev UI
            CompletableFuture<Object[]> cidGone = once(cid, Socket.EVENT_DISCONNECT);
            JsonNode disconnected = rpc.call("disconnectSocket", Map.of("worker", workers.get(cidId),
                    "namespace", "/dev", "socketId", cidId));
            assertTrue(disconnected.path("success").asBoolean(), disconnected.toString());
            assertEquals("io server disconnect", await(cidGone, "cid's disconnect")[0]);

            // restart the worker of ann: she loses her connection; the worker comes back with a new node
            int annWorker = workers.get(annId);
            CompletableFuture<Object[]> annLost = once(ann, Socket.EVENT_DISCONNECT);
            JsonNode restarted = rpc.call("restartWorker", Map.of("worker", annWorker));
            assertTrue(restarted.path("success").asBoolean(), restarted.toString());
            await(annLost, "ann's disconnect when her worker restarts");
            JsonNode after = rpc.call("getWorkers", Map.of());
            JsonNode restartedWorker = after.get(annWorker - 1);
            assertEquals(1, restartedWorker.path("restarts").asInt(), after.toPrettyString());
            assertEquals(3, restartedWorker.path("node").asInt(), "a new node number " + after.toPrettyString());
            assertEquals(0, restartedWorker.path("sockets").asInt(), after.toPrettyString());

            // the dev cluster is a default of the build, not a Dev Service: the Dev Services page lists no
            // Socket.IO service, since none is started without a Redis adapter
            JsonNode devServices = rpc.callQualified("devui-dev-services_getDevServices", Map.of());
            assertTrue(!devServices.toString().contains("socketio"), devServices.toPrettyString());

            JsonNode events = rpc.call("getEvents", Map.of());
            Set<String> kinds = new TreeSet<>();
            events.forEach(e -> kinds.add(e.path("kind").asText()));
            assertTrue(kinds.containsAll(Set.of("connect", "join", "received", "emitted", "disconnect", "cluster")),
                    "the event log " + kinds);
            List<String> cidReasons = new ArrayList<>();
            for (JsonNode e : events) {
                if (e.path("kind").asText().equals("disconnect") && e.path("socket").asText().equals(cidId)) {
                    cidReasons.add(e.path("detail").asText());
                }
            }
            assertEquals(List.of("server namespace disconnect"), cidReasons, "cid's disconnect in the event log");
        }
    }

    /**
     * The card's "Rooms and sockets" page in Chromium, with three clients in two rooms: each socket is listed under
     * its worker with its room; "Disconnect" on one socket disconnects that client and the page stops listing it.
     * Then the "Activity" page: per worker, its charts and its totals count the connections, the events received
     * and the disconnect.
     */
    @Test
    void devUiPageListsSocketsAndDisconnectsOne() throws Exception {
        Socket ann = client("ann", "red", "t1");
        Socket bob = client("bob", "red", "t2");
        Socket cid = client("cid", "blue", "t3");
        String annId = ann.id();
        String bobId = bob.id();
        String cidId = cid.id();
        Map<String, Integer> workers = Map.of(annId, workerOf(ann), bobId, workerOf(bob), cidId, workerOf(cid));
        assertEquals(Set.of(1, 2), Set.copyOf(workers.values()), "handshakes spread over both workers " + workers);
        // one more event, and a broadcast: emitted by ann's worker
        assertEquals(true, await(emitWithAck(ann, "shout", "hi"), "shout")[0]);
        CompletableFuture<Object[]> bobGone = once(bob, Socket.EVENT_DISCONNECT);

        Files.createDirectories(SCREENSHOTS);
        JsonNode r = runNode("devui-browser.mjs", BASE.toString(), SCREENSHOTS.toAbsolutePath().toString(), bobId);
        String all = "\n" + r.toPrettyString();
        assertTrue(r.path("ok").asBoolean(), all);
        JsonNode before = r.path("before");
        for (Map.Entry<String, Integer> e : workers.entrySet()) {
            JsonNode listed = before.path(e.getValue().toString()).path("sockets").path(e.getKey());
            assertTrue(listed.isArray(), e.getKey() + " listed under worker " + e.getValue() + all);
        }
        assertEquals("[\"red\"]", before.path(workers.get(annId).toString()).path("sockets").path(annId).toString(),
                all);
        assertEquals("[\"blue\"]", before.path(workers.get(cidId).toString()).path("sockets").path(cidId).toString(),
                all);
        assertEquals("io server disconnect", await(bobGone, "bob's disconnect from the page")[0]);
        JsonNode after = r.path("after");
        assertTrue(after.path(workers.get(bobId).toString()).path("sockets").path(bobId).isMissingNode(), all);
        assertTrue(after.path(workers.get(annId).toString()).path("sockets").path(annId).isArray(), all);
        assertTrue(Files.size(SCREENSHOTS.resolve("after.png")) > 10_000, "the screenshot was saved");

        // the Activity page: every connection and event so far, on the worker that had it, in the table and in the
        // lines the charts draw (one line per worker)
        JsonNode activity = r.path("activity");
        for (int worker : List.of(1, 2)) {
            JsonNode totals = activity.path("totals").path(String.valueOf(worker));
            long sockets = workers.values().stream().filter(w -> w == worker).count();
            long events = sockets + (workers.get(annId) == worker ? 1 : 0); // a "where" each, ann's "shout"
            int disconnects = workers.get(bobId) == worker ? 1 : 0;
            assertEquals(sockets, totals.path("connections").asLong(), "connections of worker " + worker + all);
            assertEquals(events, totals.path("received").asLong(), "events received by worker " + worker + all);
            assertEquals(disconnects, totals.path("disconnections").asLong(), "disconnects on " + worker + all);
            for (String measure : List.of("connections", "disconnections", "received", "emitted")) {
                JsonNode drawn = activity.path("charts").path(measure).path("worker " + worker);
                assertTrue(drawn.isNumber(), "a line for worker " + worker + " in the chart of " + measure + all);
                assertEquals(totals.path(measure).asLong(), drawn.asLong(),
                        "the chart of " + measure + " draws the table's count for worker " + worker + all);
            }
        }
        assertTrue(activity.path("totals").path(workers.get(annId).toString()).path("emitted").asLong() >= 1,
                "ann's shout, broadcast from her worker" + all);
        assertTrue(activity.path("seconds").asInt() >= 2, "the charts span the seconds so far" + all);
        assertTrue(activity.path("live").asBoolean(), "the charts go on, second by second" + all);
        assertTrue(Files.size(SCREENSHOTS.resolve("devui-activity.png")) > 10_000, "the screenshot was saved");
    }

    /** Live reload: the handler's source changes; after the reload the reconnected client gets the new answer. */
    @Test
    void liveReloadServesTheChangedHandler() throws Exception {
        Socket ann = client("ann", "red", "t1", ClientTransport.POLLING);
        ann.io().reconnection(true);
        ann.io().reconnectionDelay(100);
        assertEquals("hello ann", await(emitWithAck(ann, "greet", "ann"), "greet")[0]);

        CompletableFuture<Object[]> lost = once(ann, Socket.EVENT_DISCONNECT);
        CompletableFuture<Object[]> back = new CompletableFuture<>();
        lost.thenRun(() -> ann.once(Socket.EVENT_CONNECT, back::complete));
        TEST.modifySourceFile(DevRoomsNamespace.class, source -> source.replace("\"hello \"", "\"bonjour \""));
        // a plain HTTP request makes dev mode look for changes (WebSocket frames do not)
        HttpResponse<String> page = RELOAD_TRIGGER.send(HttpRequest.newBuilder(BASE.resolve("/q/dev-ui/"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        await(lost, "the disconnect when the application reloads");
        back.get(30, TimeUnit.SECONDS);
        assertEquals("bonjour ann", await(emitWithAck(ann, "greet", "ann"), "greet after the reload")[0]);
        JsonNode workers;
        try (DevUiJsonRpc rpc = DevUiJsonRpc.connect(BASE)) {
            workers = rpc.call("getWorkers", Map.of());
        }
        assertEquals(2, workers.size(), "the reloaded application runs the dev cluster again " + workers);
    }

    /**
     * The operator's commands on the dev cluster from the Dev UI: scale 2 -> 3 -> 1 (the clients of the removed
     * workers reconnect to the one left), then a reload replaces the worker; the server count follows.
     */
    @Test
    void scaleAndReloadFromTheDevUi() throws Exception {
        List<Socket> reconnecting = new ArrayList<>();
        for (String name : List.of("ann", "bob", "cid", "dan")) {
            Socket socket = client(name, "red", "t", ClientTransport.POLLING);
            socket.io().reconnection(true);
            socket.io().reconnectionDelay(100);
            reconnecting.add(socket);
        }
        try (DevUiJsonRpc rpc = DevUiJsonRpc.connect(BASE)) {
            JsonNode scaledUp = rpc.call("scaleWorkers", Map.of("count", 3));
            assertTrue(scaledUp.path("success").asBoolean(), scaledUp.toString());
            assertEquals(3, rpc.call("getWorkers", Map.of()).size());
            assertEquals(3, await(emitWithAck(reconnecting.get(0), "count"), "count")[0]);

            JsonNode scaledDown = rpc.call("scaleWorkers", Map.of("count", 1));
            assertTrue(scaledDown.path("success").asBoolean(), scaledDown.toString());
            JsonNode one = rpc.call("getWorkers", Map.of());
            assertEquals(1, one.size(), one.toPrettyString());
            int node = one.get(0).path("node").asInt();
            awaitAllOnWorkerOne(reconnecting);
            assertEquals(1, await(emitWithAck(reconnecting.get(0), "count"), "count")[0]);

            JsonNode reloaded = rpc.call("reloadWorkers", Map.of());
            assertTrue(reloaded.path("success").asBoolean(), reloaded.toString());
            JsonNode after = rpc.call("getWorkers", Map.of());
            assertTrue(after.get(0).path("node").asInt() != node, "a new worker " + after.toPrettyString());
            awaitAllOnWorkerOne(reconnecting);
            awaitCondition(() -> {
                try {
                    return rpc.call("getWorkers", Map.of()).get(0).path("sockets").asInt() == 4;
                } catch (Exception e) {
                    return false;
                }
            }, "the four clients back on the new worker");

            JsonNode none = rpc.call("scaleWorkers", Map.of("count", 0));
            assertTrue(!none.path("success").asBoolean(), none.toString());
        }
    }

    /** Each client is connected again (it reconnects by itself) and held by worker 1. */
    private static void awaitAllOnWorkerOne(List<Socket> clients) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (Socket socket : clients) {
            while (true) {
                if (socket.connected()) {
                    try {
                        if ((Integer) emitWithAck(socket, "where").get(2, TimeUnit.SECONDS)[0] == 1) {
                            break;
                        }
                    } catch (Exception e) {
                        // not answered: it is reconnecting
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("a client not back on worker 1 within 20 s");
                }
                Thread.sleep(50);
            }
        }
    }

    /** With workers=0 (changed in application.properties, applied by live reload) the card shows one server. */
    @Test
    void oneServerShowsAsOneWorker() throws Exception {
        TEST.modifyResourceFile("application.properties",
                properties -> properties + "quarkus.socketio.cluster.workers=0\n");
        RELOAD_TRIGGER.send(HttpRequest.newBuilder(BASE.resolve("/q/dev-ui/"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.discarding());
        Socket ann = client("ann", "red", "t1");
        assertEquals(0, workerOf(ann), "one server: no worker index");
        try (DevUiJsonRpc rpc = DevUiJsonRpc.connect(BASE)) {
            JsonNode workers = rpc.call("getWorkers", Map.of());
            assertEquals(1, workers.size(), workers.toPrettyString());
            assertEquals(1, workers.get(0).path("socketsPerNamespace").path("/dev").asInt(), workers.toString());
            JsonNode sockets = rpc.call("getSockets", Map.of());
            assertTrue(sockets.toString().contains(ann.id()), sockets.toPrettyString());
            JsonNode restart = rpc.call("restartWorker", Map.of("worker", 1));
            assertTrue(!restart.path("success").asBoolean(), restart.toString());
        }
    }

    private static JsonNode runNode(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", SCRIPTS.resolve(script).toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(script + " did not finish within 90 s");
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String last = out.substring(out.lastIndexOf('\n') + 1);
        try {
            return MAPPER.readTree(last);
        } catch (IOException e) {
            throw new AssertionError(script + " printed no result: " + out, e);
        }
    }
}
