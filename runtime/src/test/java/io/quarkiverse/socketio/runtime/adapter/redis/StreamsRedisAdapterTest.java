package io.quarkiverse.socketio.runtime.adapter.redis;

import static io.quarkiverse.socketio.runtime.adapter.redis.RedisMonitor.named;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessageCodec;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig.AdapterKind;
import io.quarkiverse.socketio.runtime.recovery.SessionState;
import io.quarkiverse.socketio.runtime.server.RedisNode;
import io.quarkiverse.socketio.runtime.server.TestClient;
import io.vertx.core.Vertx;

/**
 * Two Java servers (each its own Socket.IO server, Redis client and adapter factory) share a real redis-server through
 * the streams adapter, with connection state recovery on; official Java clients connect to both. Every operation
 * crosses Redis; the commands are checked against Node's recordings with MONITOR; sessions move between the servers.
 */
class StreamsRedisAdapterTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Pattern OFFSET = Pattern.compile("[0-9]+-[0-9]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    static RedisServerProcess redis;
    static RedisMonitor monitor;
    static Vertx vertx;
    static SocketIOConfig config;
    static RedisNode a;
    static RedisNode b;
    static final List<String> serverSideEvents = new CopyOnWriteArrayList<>();

    final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServerProcess.start();
        monitor = redis.monitor();
        vertx = Vertx.vertx();
        config = RedisNode.config(Map.of("quarkus.socketio.adapter", "redis-streams",
                "quarkus.socketio.connection-state-recovery.enabled", "true"));
        a = startNode("A");
        b = startNode("B");
        awaitServerCount(List.of(a, b), 2);
    }

    static RedisNode startNode(String name) throws Exception {
        RedisNode node = RedisNode.start(vertx, redis.uri(), AdapterKind.REDIS_STREAMS, config);
        node.server().onServerSideEmit("hello", event -> {
            serverSideEvents.add(name + " got " + event.arg(0).asText());
            event.ack(name);
        });
        node.server().onConnection(socket -> {
            JsonNode auth = socket.handshake().auth();
            if (auth != null && auth.has("name")) {
                socket.data().putIfAbsent("name", auth.get("name").asText());
            }
        });
        TestClient.awaitCondition(() -> node.adapters().unavailability().isEmpty(), "server " + name + " reaches Redis");
        return node;
    }

    static void awaitServerCount(List<RedisNode> nodes, int expected) throws InterruptedException {
        TestClient.awaitCondition(() -> nodes.stream().allMatch(n -> serverCount(n) == expected),
                "every server counts " + expected + " servers");
    }

    static int serverCount(RedisNode node) {
        return node.server().serverCount().await().atMost(WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        a.stop();
        b.stop();
        monitor.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redis.close();
    }

    @AfterEach
    void closeClients() throws InterruptedException {
        clients.forEach(TestClient::close);
        clients.clear();
        // the next test counts the sockets of each server: these must be gone by then
        TestClient.awaitCondition(() -> a.server().localSockets().isEmpty() && b.server().localSockets().isEmpty(),
                "the clients are gone");
    }

    TestClient connect(RedisNode node, String name, String... rooms) throws Exception {
        return connect(node, name, null, rooms);
    }

    TestClient connect(RedisNode node, String name, Map<String, String> auth, String... rooms) throws Exception {
        Map<String, String> withName = new LinkedHashMap<>();
        withName.put("name", name);
        if (auth != null) {
            withName.putAll(auth);
        }
        TestClient client = TestClient.connect(node.port(), "/", name, withName);
        clients.add(client);
        if (rooms.length > 0) {
            local(node, client).join(rooms);
        }
        return client;
    }

    static SocketIOSocket local(RedisNode node, TestClient client) {
        return node.server().localSockets().stream().filter(s -> s.id().equals(client.id())).findFirst()
                .orElseThrow(() -> new AssertionError(client.name + " is not connected to this server"));
    }

    /** Sends a last event from a server to every client and waits for it: what it sent before has arrived. */
    static void flush(RedisNode from, TestClient... to) throws InterruptedException {
        String event = "sentinel-" + System.nanoTime();
        from.server().emit(event);
        for (TestClient client : to) {
            client.await(event, 1);
        }
    }

    /** An element of a packet's data as text. */
    static String at(JSONArray data, int index) {
        try {
            return String.valueOf(data.get(index));
        } catch (org.json.JSONException e) {
            throw new AssertionError(e);
        }
    }

    static String lastArgument(Object[] args) {
        return String.valueOf(args[args.length - 1]);
    }

    // ------------------------------------------------------------------ counting

    @Test
    void redisCountsEachServerOnce() throws Exception {
        assertEquals(2, serverCount(a));
        assertEquals(2, serverCount(b));
    }

    // ------------------------------------------------------------------ the stream

    @Test
    void aBroadcastIsWrittenAsNodeWritesItAndCarriesTheSameOffsetOnEveryServer() throws Exception {
        TestClient onA = connect(a, "alice", "r1");
        TestClient onB = connect(b, "bob", "r1");
        TestClient other = connect(b, "carol", "r2");
        monitor.clear();
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("a", true);
        object.put("n", null);
        a.server().to("r1").emit("ev", "hello", 1, 2.5, object);
        Object[] gotOnA = onA.await("ev", 1).get(0);
        Object[] gotOnB = onB.await("ev", 1).get(0);
        flush(a, onA, onB, other);
        assertEquals(0, other.count("ev"));
        assertEquals("hello", gotOnA[0]);
        assertEquals(5, gotOnA.length, "four arguments and the offset");
        assertTrue(OFFSET.matcher(lastArgument(gotOnA)).matches(), lastArgument(gotOnA));
        assertEquals(lastArgument(gotOnA), lastArgument(gotOnB), "the entry id on both servers");

        JsonNode golden = StreamsWireTest.captures("XADD").stream()
                .filter(c -> c.path("file").asText().equals("broadcast-room.json")).findFirst().orElseThrow();
        RedisMonitor.Command xadd = monitor.commands(named("XADD")).get(0);
        List<String> args = xadd.args().stream().map(arg -> new String(arg, StandardCharsets.UTF_8)).toList();
        assertEquals(List.of("socket.io", "MAXLEN", "~", "10000", "*", "uid"), args.subList(0, 6));
        assertTrue(args.get(6).matches("[0-9a-f]{16}"), args.get(6));
        assertEquals(List.of("nsp", "/", "type", "3", "data"), args.subList(7, 12));
        assertEquals(StreamsWireTest.fields(golden).get("data"), args.get(12), "Node's very data text");
        assertEquals(13, args.size());
    }

    @Test
    void binaryTravelsAsBase64MessagePackAndArrivesAsBytes() throws Exception {
        TestClient onA = connect(a, "alice", "r1");
        TestClient muted = connect(a, "mute", "r1", "r2");
        TestClient onB = connect(b, "bob", "r1");
        monitor.clear();
        b.server().to("r1").except("r2").emit("bin", new byte[] { 1, 2, 3 }, Map.of("nested", "hi".getBytes()));
        Object[] got = onA.await("bin", 1).get(0);
        onB.await("bin", 1);
        flush(b, onA, muted, onB);
        assertEquals(0, muted.count("bin"));
        assertArrayEquals(new byte[] { 1, 2, 3 }, (byte[]) got[0]);
        assertArrayEquals("hi".getBytes(), (byte[]) ((JSONObject) got[1]).get("nested"));
        String data = new String(monitor.commands(named("XADD")).get(0).args().get(12), StandardCharsets.US_ASCII);
        byte[] msgpack = Base64.getDecoder().decode(data);
        JsonNode tree = new ClusterMessageCodec().readTree(msgpack, 0, msgpack.length);
        assertEquals("[\"r1\"]", tree.at("/opts/rooms").toString());
        assertEquals("[\"r2\"]", tree.at("/opts/except").toString());
        assertArrayEquals(new byte[] { 1, 2, 3 }, tree.at("/packet/data/1").binaryValue());
        // the MessagePack Node wrote for the same broadcast starts like this one: {packet: {type: 2, data: ["bin", bin
        assertEquals("82a67061636b657482a47479706502a46461746193a362696ec403010203",
                HexFormat.of().formatHex(msgpack, 0, 30));
    }

    @Test
    void volatileAndLocalBroadcasts() throws Exception {
        TestClient onA = connect(a, "alice");
        TestClient onB = connect(b, "bob");
        a.server().asVolatile().emit("vol", 1);
        a.server().local().emit("loc", 2);
        Object[] vol = onB.await("vol", 1).get(0);
        onA.await("vol", 1);
        flush(a, onA, onB);
        assertEquals(1, vol.length, "a volatile broadcast has no offset");
        assertEquals(1, onA.count("loc"));
        assertEquals(0, onB.count("loc"));
        assertEquals(1, onA.events("loc").get(0).length, "a local broadcast is not written: no offset");
    }

    @Test
    void socketsJoinLeaveAndDisconnectReachTheOtherServer() throws Exception {
        TestClient onA = connect(a, "alice");
        TestClient onB = connect(b, "bob");
        SocketIOSocket remote = local(b, onB);
        a.server().in(onB.id()).socketsJoin("joined", "also");
        TestClient.awaitCondition(() -> remote.rooms().containsAll(Set.of("joined", "also")), "B's socket joins");
        a.server().in("joined").socketsLeave("also");
        TestClient.awaitCondition(() -> !remote.rooms().contains("also"), "B's socket leaves");
        assertTrue(remote.rooms().contains("joined"));
        b.server().in("joined").emit("to-joined");
        onB.await("to-joined", 1);
        a.server().in("joined").disconnectSockets(false);
        assertEquals("io server disconnect", onB.disconnected.get(5, TimeUnit.SECONDS));
        assertFalse(onA.disconnected.isDone());
    }

    // ------------------------------------------------------------------ pub/sub requests

    @Test
    void fetchSocketsFindsTheSocketsOfBothServers() throws Exception {
        TestClient onA = connect(a, "alice", "f");
        TestClient onB = connect(b, "bob", "f");
        connect(b, "carol");
        List<RemoteSocket> sockets = a.server().in("f").fetchSockets().await().atMost(WAIT);
        Map<String, Object> names = sockets.stream()
                .collect(Collectors.toMap(RemoteSocket::id, s -> s.data().get("name")));
        assertEquals(Map.of(onA.id(), "alice", onB.id(), "bob"), names);
        RemoteSocket fromB = sockets.stream().filter(s -> s.id().equals(onB.id())).findFirst().orElseThrow();
        assertTrue(fromB.rooms().containsAll(Set.of(onB.id(), "f")));
        assertEquals(3, b.server().fetchSockets().await().atMost(WAIT).size());
    }

    @Test
    void serverSideEmitWithAndWithoutAcknowledgement() throws Exception {
        serverSideEvents.clear();
        a.server().serverSideEmit("hello", "plain");
        TestClient.awaitCondition(() -> serverSideEvents.contains("B got plain"), "B's handler runs");
        List<JsonNode> answers = b.server().serverSideEmitWithAck("hello", "asking").await().atMost(WAIT);
        assertEquals(List.of("A"), answers.stream().map(JsonNode::asText).toList());
        assertFalse(serverSideEvents.contains("A got plain"), "not to the sender");
        long started = System.nanoTime();
        List<JsonNode> none = a.server().serverSideEmitWithAck("nobody-handles", 1).await().atMost(WAIT);
        assertEquals(List.of(), none);
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3),
                "a Java server that cannot answer says so at once");
    }

    @Test
    void aBroadcastWithAcknowledgementsCollectsThemFromBothServers() throws Exception {
        connect(a, "alice");
        connect(b, "bob");
        connect(b, "carol");
        List<JsonNode> acks = a.server().timeout(WAIT).emitWithAck("question", 1).await().atMost(WAIT.plusSeconds(1));
        assertEquals(Set.of("alice", "bob", "carol"), acks.stream().map(JsonNode::asText).collect(Collectors.toSet()));
    }

    // ------------------------------------------------------------------ connection state recovery

    @Test
    void aSocketOfOneServerIsRestoredOnTheOtherWithWhatItMissedInOrder() throws Exception {
        TestClient client = connect(a, "dave", "r1");
        TestClient witness = connect(b, "witness", "r1");
        String sid = client.id();
        String pid = client.pid;
        assertNotNull(pid, "the CONNECT reply has a pid");
        local(a, client).data().put("level", 7);
        a.server().to("r1").emit("before", 1);
        String offset = lastArgument(client.await("before", 1).get(0));

        monitor.clear();
        client.dropTransport();
        TestClient.awaitCondition(() -> a.server().localSockets().isEmpty() || a.server().localSockets().stream()
                .noneMatch(s -> s.id().equals(sid)), "A sees the client go");
        TestClient.awaitCondition(() -> persisted(pid) != null, "A persists the session");

        a.server().to("r1").emit("missed", 1);
        b.server().to("r1").emit("missed", 2);
        a.server().to("r2").emit("other-room", 3);
        b.server().asVolatile().emit("missed-volatile", 4);
        b.server().except(sid).emit("excepted", 5);
        a.server().emit("missed", 6);
        witness.await("missed", 3);

        // the session A wrote, as Node writes it
        RedisMonitor.Command set = persisted(pid);
        assertEquals("sio:session:" + pid, set.arg(0));
        assertEquals(List.of("PX", "120000"), List.of(set.arg(2), set.arg(3)));
        SessionState persisted = StreamsRedisAdapter.readSession(new ClusterMessageCodec(), "/", set.args().get(1));
        assertEquals(Set.of(sid, "r1"), persisted.rooms());

        TestClient back = connect(b, "dave-again", Map.of("pid", pid, "offset", offset));
        assertEquals(sid, back.id(), "the same socket");
        assertEquals(pid, back.pid);
        SocketIOSocket restored = local(b, back);
        assertTrue(restored.recovered());
        assertEquals(Set.of(sid, "r1"), restored.rooms());
        assertEquals("dave", restored.data().get("name"), "the data of the session, not of the new handshake");
        assertEquals(7, ((Number) restored.data().get("level")).intValue());

        List<JSONArray> missed = back.packets();
        // in the stream's order, which the witness saw too (A's and B's broadcasts may interleave either way)
        assertEquals(witness.events("missed").stream().map(args -> "missed:" + args[0]).toList(),
                missed.stream().map(p -> at(p, 0) + ":" + at(p, 1)).toList());
        assertEquals(Set.of("missed:1", "missed:2", "missed:6"),
                missed.stream().map(p -> at(p, 0) + ":" + at(p, 1)).collect(Collectors.toSet()));
        List<String> offsets = missed.stream().map(p -> at(p, p.length() - 1)).toList();
        List<String> witnessed = witness.events("missed").stream().map(StreamsRedisAdapterTest::lastArgument)
                .toList();
        assertEquals(witnessed, offsets, "the offsets every server gave them");

        a.server().to("r1").emit("live", 1);
        assertTrue(OFFSET.matcher(lastArgument(back.await("live", 1).get(0))).matches());
    }

    @Test
    void aRestoreLosesAndRepeatsNothingWhileBroadcastsKeepComing() throws Exception {
        TestClient client = connect(a, "erin", "busy");
        TestClient witness = connect(b, "witness", "busy");
        int total = 1500;
        Thread sender = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                (i % 2 == 0 ? a : b).server().to("busy").emit("n", i);
                if (i % 50 == 0) {
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        sender.start();
        client.await("n", 200);
        String sid = client.id();
        client.dropTransport();
        Thread.sleep(100);
        List<Object[]> before = client.events("n");
        String pid = client.pid;
        String offset = lastArgument(before.get(before.size() - 1));
        TestClient.awaitCondition(() -> a.server().localSockets().stream().noneMatch(s -> s.id().equals(sid)),
                "A sees the client go");
        TestClient back = connect(b, "erin-again", Map.of("pid", pid, "offset", offset));
        assertEquals(sid, back.id());
        sender.join(20_000);
        witness.await("n", total);
        TestClient.awaitCondition(() -> back.packets().size() >= total - before.size(), "the rest arrives");

        List<String> seen = new ArrayList<>();
        before.forEach(args -> seen.add(args[0] + "@" + lastArgument(args)));
        back.packets().forEach(p -> seen.add(at(p, 1) + "@" + at(p, p.length() - 1)));
        List<String> expected = witness.events("n").stream().map(args -> args[0] + "@" + lastArgument(args)).toList();
        assertEquals(expected, seen, "every broadcast once, in the stream's order");
    }

    @Test
    void aSocketWhoseServerDiedComesBackOnAnotherOne() throws Exception {
        RedisNode doomed = startNode("C");
        try {
            serverDies(doomed);
        } finally {
            doomed.die();
            awaitServerCount(List.of(a, b), 2);
        }
    }

    private void serverDies(RedisNode doomed) throws Exception {
        awaitServerCount(List.of(a, b, doomed), 3);
        TestClient client = connect(doomed, "frank", "r9");
        TestClient witness = connect(b, "witness", "r9");
        local(doomed, client).data().put("score", 42);
        local(doomed, client).join("r10"); // the session in Redis follows (data alone waits for the next refresh)
        doomed.server().to("r9").emit("before", 1);
        String offset = lastArgument(client.await("before", 1).get(0));
        String sid = client.id();
        TestClient.awaitCondition(() -> {
            try {
                return redis.command("EXISTS", "sio:session:" + client.pid).equals(":1");
            } catch (Exception e) {
                return false;
            }
        }, "the live session is kept in Redis");
        TestClient.awaitCondition(() -> sessionData(client.pid).contains("score"), "with its data");

        monitor.clear();
        doomed.die(); // writes nothing more
        b.server().to("r9").emit("missed", 1);
        witness.await("missed", 1);
        assertEquals(null, persisted(client.pid), "nothing was persisted at the end");

        TestClient back = connect(a, "frank-again", Map.of("pid", client.pid, "offset", offset));
        assertEquals(sid, back.id());
        SocketIOSocket restored = local(a, back);
        assertEquals(Set.of(sid, "r9", "r10"), restored.rooms());
        assertEquals(42, ((Number) restored.data().get("score")).intValue());
        assertEquals(List.of("missed"), back.packets().stream().map(p -> at(p, 0)).toList());
    }

    @Test
    void anOffsetTheStreamNoLongerHoldsOrThatIsNoneGivesANewSocket() throws Exception {
        TestClient client = connect(a, "gina", "r1");
        a.server().to("r1").emit("before", 1);
        client.await("before", 1);
        String pid = client.pid;
        String sid = client.id();
        client.dropTransport();
        TestClient.awaitCondition(() -> a.server().localSockets().stream().noneMatch(s -> s.id().equals(sid)),
                "A sees the client go");
        TestClient notAnOffset = connect(b, "g1", Map.of("pid", pid, "offset", "not-an-offset"));
        assertNotEquals(sid, notAnOffset.id());
        TestClient trimmed = connect(b, "g2", Map.of("pid", pid, "offset", "1-0"));
        assertNotEquals(sid, trimmed.id(), "1-0 is not in the stream");
        assertFalse(local(b, trimmed).recovered());
        assertNotEquals(trimmed.pid, pid, "a new session");
    }

    /** The session's value in Redis, as text ({@code ""} when there is none). */
    private static String sessionData(String pid) {
        try {
            String value = redis.bulk("GET", "sio:session:" + pid);
            return value == null ? "" : new String(Base64.getDecoder().decode(value), StandardCharsets.ISO_8859_1);
        } catch (Exception e) {
            return "";
        }
    }

    /** The last SET of a disconnected session (PX of the window) MONITOR saw for this pid, or {@code null}. */
    private static RedisMonitor.Command persisted(String pid) {
        RedisMonitor.Command found = null;
        for (RedisMonitor.Command set : monitor.commands(named("SET"))) {
            if (set.args().size() == 4 && set.arg(0).equals("sio:session:" + pid) && set.arg(3).equals("120000")) {
                found = set;
            }
        }
        return found;
    }
}
