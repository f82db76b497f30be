package io.quarkiverse.socketio.runtime.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.adapter.redis.RedisMonitor.Command;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig.AdapterKind;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig.SubscriptionMode;
import io.quarkiverse.socketio.runtime.server.TestClient;
import io.vertx.core.Vertx;

/**
 * Two Java servers of the sharded adapter in one JVM, each with its own Redis client and factory, sharing one real
 * {@code redis-server}, official Java clients connected to each: every operation crosses Redis, in each subscription
 * mode (each mode's pair of servers has a key prefix of its own, so the three pairs do not see each other).
 */
class ShardedRedisAdapterTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    static RedisServerProcess redis;
    static RedisMonitor monitor;
    static Vertx vertx;
    static final Map<SubscriptionMode, List<RedisNode>> servers = new EnumMap<>(SubscriptionMode.class);
    /** server -> the server-side events its handlers received, as "name:arg" */
    static final Map<RedisNode, List<String>> serverSideEvents = new ConcurrentHashMap<>();

    final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void startServers() throws Exception {
        redis = RedisServerProcess.start().requireRedis7();
        monitor = redis.monitor();
        vertx = Vertx.vertx();
        for (SubscriptionMode mode : SubscriptionMode.values()) {
            List<RedisNode> pair = new ArrayList<>();
            for (String name : List.of("A", "B")) {
                pair.add(startServer(mode, name));
            }
            servers.put(mode, pair);
        }
        for (SubscriptionMode mode : SubscriptionMode.values()) {
            awaitServerCount(servers.get(mode), "/", 2);
        }
    }

    static RedisNode startServer(SubscriptionMode mode, String name) throws Exception {
        RedisNode node = RedisNode.start(vertx, redis, RedisNode.config(AdapterKind.REDIS_SHARDED,
                Map.of("quarkus.socketio.redis.subscription-mode", modeName(mode),
                        "quarkus.socketio.redis.key-prefix", prefix(mode))));
        List<String> events = new CopyOnWriteArrayList<>();
        serverSideEvents.put(node, events);
        node.server().onServerSideEmit("hello", event -> {
            events.add(event.name() + ":" + event.arg(0).asText());
            event.ack(name);
        });
        node.server().onServerSideEmit("binary", event -> event.ack(event.arg(0, byte[].class)));
        return node;
    }

    static String modeName(SubscriptionMode mode) {
        return mode.name().toLowerCase().replace('_', '-');
    }

    static String prefix(SubscriptionMode mode) {
        return "sio-" + modeName(mode);
    }

    static void awaitServerCount(List<RedisNode> members, String nsp, int expected) throws InterruptedException {
        TestClient.awaitCondition(() -> members.stream().allMatch(
                n -> n.server().of(nsp).serverCount().await().atMost(WAIT) == expected),
                "every server counts " + expected + " servers");
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (List<RedisNode> pair : servers.values()) {
            for (RedisNode node : pair) {
                node.close();
            }
        }
        servers.clear();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        monitor.close();
        redis.close();
    }

    @AfterEach
    void closeClients() throws InterruptedException {
        clients.forEach(TestClient::close);
        clients.clear();
        // every server forgets its clients' rooms, so that the next test starts from no room channel
        TestClient.awaitCondition(() -> servers.values().stream().flatMap(List::stream)
                .allMatch(n -> n.server().localSockets().isEmpty()), "the clients are gone");
    }

    static RedisNode a(SubscriptionMode mode) {
        return servers.get(mode).get(0);
    }

    static RedisNode b(SubscriptionMode mode) {
        return servers.get(mode).get(1);
    }

    TestClient connect(RedisNode node, String name) throws Exception {
        TestClient client = TestClient.connect(node.port(), "/", name);
        clients.add(client);
        return client;
    }

    /** The server side of a client, on the server it is connected to. */
    static SocketIOSocket local(RedisNode node, TestClient client) {
        return node.server().localSockets().stream().filter(s -> s.id().equals(client.id())).findFirst()
                .orElseThrow(() -> new AssertionError(client.name + " is not connected there"));
    }

    /** Two clients per server: a1, a2 on A, b1, b2 on B. */
    List<TestClient> twoClientsPerServer(SubscriptionMode mode) throws Exception {
        return List.of(connect(a(mode), "a1"), connect(a(mode), "a2"), connect(b(mode), "b1"),
                connect(b(mode), "b2"));
    }

    /** Sends a last event from a server to every client and waits for it: what it sent before has arrived. */
    static void flush(RedisNode from, List<TestClient> to) throws InterruptedException {
        String event = "sentinel-" + System.nanoTime();
        from.server().emit(event);
        for (TestClient client : to) {
            client.await(event, 1);
        }
    }

    // ------------------------------------------------------------------ counting

    @ParameterizedTest
    @EnumSource(SubscriptionMode.class)
    void serverCountIsRedisCountOfTheNamespaceChannel(SubscriptionMode mode) throws Exception {
        assertEquals(2, redis.shardSubscribers(prefix(mode) + "#/#"));
        assertEquals(2, a(mode).server().serverCount().await().atMost(WAIT));
        // a namespace on one server only: it is alone there, and asks nobody
        String nsp = "/only-a-" + System.nanoTime();
        a(mode).server().of(nsp);
        TestClient.awaitCondition(() -> shardSubscribers(prefix(mode) + "#" + nsp + "#") == 1, "A subscribes");
        assertEquals(1, a(mode).server().of(nsp).serverCount().await().atMost(WAIT));
        assertEquals(List.of(), a(mode).server().of(nsp).serverSideEmitWithAck("hello", "x").await().atMost(WAIT));
        b(mode).server().of(nsp);
        awaitServerCount(servers.get(mode), nsp, 2);
    }

    // ------------------------------------------------------------------ broadcasts

    @ParameterizedTest
    @EnumSource(SubscriptionMode.class)
    void broadcastsReachTheSelectedClientsOfBothServersOnce(SubscriptionMode mode) throws Exception {
        List<TestClient> all = twoClientsPerServer(mode);
        local(a(mode), all.get(0)).join("room-1");
        local(b(mode), all.get(2)).join("room-1");
        local(b(mode), all.get(3)).join("room-2", "room-1");
        local(a(mode), all.get(1)).join("muted");
        awaitRoomChannels(mode, "room-1", "room-2", "muted");

        a(mode).server().to("room-1").emit("one-room", "x");
        b(mode).server().to("room-1", "room-2").emit("two-rooms", 2.5);
        b(mode).server().except("muted").emit("except", true);
        a(mode).server().local().emit("local-only");
        b(mode).server().to(all.get(1).id()).emit("to-socket", "private");
        a(mode).server().to("room-2").except("room-1").emit("nobody");
        flush(a(mode), all);
        flush(b(mode), all);

        int[][] expected = {
                // a1 a2 b1 b2
                { 1, 0, 1, 1 }, // one-room
                { 1, 0, 1, 1 }, // two-rooms
                { 1, 0, 1, 1 }, // except
                { 1, 1, 0, 0 }, // local-only
                { 0, 1, 0, 0 }, // to-socket
                { 0, 0, 0, 0 }, // nobody
        };
        String[] events = { "one-room", "two-rooms", "except", "local-only", "to-socket", "nobody" };
        for (int e = 0; e < events.length; e++) {
            for (int c = 0; c < all.size(); c++) {
                assertEquals(expected[e][c], all.get(c).count(events[e]), events[e] + " to " + all.get(c).name);
            }
        }
        assertEquals(2.5, all.get(0).events("two-rooms").get(0)[0]);
        assertEquals("private", all.get(1).events("to-socket").get(0)[0]);
    }

    /**
     * Which channel carries a broadcast to one room, and which room channels a server subscribes to, per mode: Node's
     * rules, including the 20-character one (a room named like a socket id stays on the namespace's channel in
     * {@code dynamic}).
     */
    @ParameterizedTest
    @EnumSource(SubscriptionMode.class)
    void roomChannelsFollowTheModeAndTheRooms(SubscriptionMode mode) throws Exception {
        String p = prefix(mode);
        TestClient onA = connect(a(mode), "on-a");
        TestClient onB = connect(b(mode), "on-b");
        String twenty = "room-of-twenty-chars";
        assertEquals(20, twenty.length());
        local(b(mode), onB).join("news", twenty);

        Set<String> expectedChannels = new TreeSet<>();
        if (mode != SubscriptionMode.STATIC) {
            expectedChannels.addAll(Set.of(p + "#/#news#", p + "#/#" + twenty + "#"));
        }
        if (mode == SubscriptionMode.DYNAMIC_PRIVATE) {
            expectedChannels.addAll(Set.of(p + "#/#" + onA.id() + "#", p + "#/#" + onB.id() + "#"));
        }
        TestClient.awaitCondition(() -> roomChannels(mode).equals(expectedChannels),
                "room channels " + expectedChannels + " (are " + roomChannels(mode) + ")");

        monitor.clear();
        a(mode).server().to("news").emit("news", 1);
        a(mode).server().to(twenty).emit("twenty", 2);
        a(mode).server().to(onB.id()).emit("direct", 3);
        onB.await("news", 1);
        onB.await("twenty", 1);
        onB.await("direct", 1);
        String uid = a(mode).uid("/");
        List<String> channels = monitor.await(c -> c.name().equals("SPUBLISH")
                && c.arg(1).contains("\"uid\":\"" + uid + "\"") && c.arg(1).startsWith("{\"type\":3"), 3,
                "A's three broadcasts").stream().map(c -> c.arg(0)).toList();
        String main = p + "#/#";
        List<String> expected = switch (mode) {
            case STATIC -> List.of(main, main, main);
            case DYNAMIC -> List.of(main + "news#", main, main);
            case DYNAMIC_PRIVATE -> List.of(main + "news#", main + twenty + "#", main + onB.id() + "#");
        };
        assertEquals(expected, channels);

        // the last member leaves: unsubscribed; the socket leaves: its rooms too
        local(b(mode), onB).leave("news");
        expectedChannels.remove(p + "#/#news#");
        TestClient.awaitCondition(() -> roomChannels(mode).equals(expectedChannels),
                "room channels " + expectedChannels + " (are " + roomChannels(mode) + ")");
        String onBId = onB.id();
        onB.close();
        clients.remove(onB);
        expectedChannels.remove(p + "#/#" + twenty + "#");
        expectedChannels.remove(p + "#/#" + onBId + "#");
        TestClient.awaitCondition(() -> roomChannels(mode).equals(expectedChannels),
                "room channels " + expectedChannels + " (are " + roomChannels(mode) + ")");
    }

    static long shardSubscribers(String channel) {
        try {
            return redis.shardSubscribers(channel);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The room channels of this mode's servers with a subscriber, sorted. */
    static Set<String> roomChannels(SubscriptionMode mode) {
        String main = prefix(mode) + "#/#";
        try {
            return redis.shardChannels().stream().filter(c -> c.startsWith(main) && !c.equals(main)
                    && !c.equals(main + a(mode).uid("/") + "#") && !c.equals(main + b(mode).uid("/") + "#"))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    void awaitRoomChannels(SubscriptionMode mode, String... rooms) throws InterruptedException {
        if (mode == SubscriptionMode.STATIC) {
            return;
        }
        TestClient.awaitCondition(() -> roomChannels(mode).containsAll(
                Set.of(rooms).stream().map(r -> prefix(mode) + "#/#" + r + "#").toList()), "room channels");
    }

    @ParameterizedTest
    @EnumSource(SubscriptionMode.class)
    void binaryCrossesByteForByte(SubscriptionMode mode) throws Exception {
        TestClient onB = connect(b(mode), "bin-b");
        local(b(mode), onB).join("bin-room");
        awaitRoomChannels(mode, "bin-room");
        byte[] everyByte = new byte[256];
        for (int i = 0; i < 256; i++) {
            everyByte[i] = (byte) i;
        }
        byte[] nested = { 0, (byte) 0xFF, 0x7F, (byte) 0x80, 0x0A, 0x0D, '{' };
        a(mode).server().emit("bin", everyByte, Map.of("inner", nested, "text", "t"));
        a(mode).server().to("bin-room").emit("bin-room", (Object) nested);
        Object[] args = onB.await("bin", 1).get(0);
        assertArrayEquals(everyByte, (byte[]) args[0]);
        JSONObject object = (JSONObject) args[1];
        assertArrayEquals(nested, (byte[]) object.get("inner"));
        assertEquals("t", object.get("text"));
        assertArrayEquals(nested, (byte[]) onB.await("bin-room", 1).get(0)[0]);
        // and an acknowledgement that is binary
        List<JsonNode> answers = a(mode).server().serverSideEmitWithAck("binary", (Object) everyByte).await()
                .atMost(WAIT);
        assertEquals(1, answers.size());
        assertArrayEquals(everyByte, answers.get(0).binaryValue());
    }

    // ------------------------------------------------------------------ remote operations

    @ParameterizedTest
    @EnumSource(SubscriptionMode.class)
    void socketsJoinLeaveAndDisconnectReachTheOtherServer(SubscriptionMode mode) throws Exception {
        TestClient onA = connect(a(mode), "on-a");
        TestClient onB = connect(b(mode), "on-b");
        TestClient otherB = connect(b(mode), "other-b");
        SocketIOSocket sa = local(a(mode), onA);
        SocketIOSocket sb = local(b(mode), onB);

        a(mode).server().in(onA.id(), onB.id()).socketsJoin("joined", "also");
        TestClient.awaitCondition(() -> sa.rooms().containsAll(Set.of("joined", "also"))
                && sb.rooms().containsAll(Set.of("joined", "also")), "both join");
        awaitRoomChannels(mode, "joined", "also");
        // the new room's channel carries a broadcast to it
        a(mode).server().to("joined").emit("in-joined");
        onB.await("in-joined", 1);

        b(mode).server().in("joined").except(onA.id()).socketsLeave("also");
        TestClient.awaitCondition(() -> !sb.rooms().contains("also"), "the socket of B leaves");
        assertTrue(sa.rooms().contains("also"));

        a(mode).server().in("also").disconnectSockets(false);
        assertEquals("io server disconnect", onA.disconnected.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        b(mode).server().in("joined").disconnectSockets(true);
        assertNotNull(onB.disconnected.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        Thread.sleep(100);
        assertFalse(otherB.disconnected.isDone());
    }

    @ParameterizedTest
    @EnumSource(SubscriptionMode.class)
    void fetchSocketsReturnsBothServersSocketsWithRoomsDataAndHandshake(SubscriptionMode mode) throws Exception {
        List<TestClient> all = twoClientsPerServer(mode);
        for (int i = 0; i < all.size(); i++) {
            SocketIOSocket socket = local(i < 2 ? a(mode) : b(mode), all.get(i));
            socket.join("fetch-room");
            socket.data().put("name", all.get(i).name);
            socket.data().put("tags", List.of("a", "b"));
        }
        for (RedisNode from : servers.get(mode)) {
            List<RemoteSocket> sockets = from.server().in("fetch-room").fetchSockets().await().atMost(WAIT);
            assertEquals(all.stream().map(TestClient::id).collect(Collectors.toSet()),
                    sockets.stream().map(RemoteSocket::id).collect(Collectors.toSet()));
            for (RemoteSocket socket : sockets) {
                TestClient client = all.stream().filter(c -> c.id().equals(socket.id())).findFirst().orElseThrow();
                assertEquals(Set.of(socket.id(), "fetch-room"), socket.rooms());
                assertEquals(client.name, socket.data().get("name"));
                assertEquals(List.of("a", "b"), socket.data().get("tags"));
                assertNotNull(socket.handshake().issued());
                assertEquals("4", socket.handshake().queryParam("EIO"));
                assertNotNull(socket.handshake().header("host"));
            }
        }
        List<RemoteSocket> some = b(mode).server().in("fetch-room").except(all.get(0).id(), all.get(3).id())
                .fetchSockets().await().atMost(WAIT);
        assertEquals(Set.of(all.get(1).id(), all.get(2).id()),
                some.stream().map(RemoteSocket::id).collect(Collectors.toSet()));
    }

    @ParameterizedTest
    @EnumSource(SubscriptionMode.class)
    void aFetchedRemoteSocketIsOperatedThroughRedis(SubscriptionMode mode) throws Exception {
        TestClient onA = connect(a(mode), "on-a");
        SocketIOSocket sa = local(a(mode), onA);
        RemoteSocket remote = b(mode).server().in(onA.id()).fetchSockets().await().atMost(WAIT).get(0);
        assertEquals(onA.id(), remote.id());
        remote.emit("direct", "hi");
        assertEquals("hi", onA.await("direct", 1).get(0)[0]);
        remote.join("by-remote");
        TestClient.awaitCondition(() -> sa.rooms().contains("by-remote"), "the remote join");
        remote.leave("by-remote");
        TestClient.awaitCondition(() -> !sa.rooms().contains("by-remote"), "the remote leave");
        remote.disconnect(false);
        assertEquals("io server disconnect", onA.disconnected.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @ParameterizedTest
    @EnumSource(SubscriptionMode.class)
    void serverSideEmitReachesTheOtherServerOnly(SubscriptionMode mode) throws Exception {
        servers.get(mode).forEach(n -> serverSideEvents.get(n).clear());
        a(mode).server().serverSideEmit("hello", "plain");
        TestClient.awaitCondition(() -> serverSideEvents.get(b(mode)).contains("hello:plain"), "B handles it");
        List<JsonNode> answers = a(mode).server().serverSideEmitWithAck("hello", "acked").await().atMost(WAIT);
        assertEquals(List.of("B"), answers.stream().map(JsonNode::asText).toList());
        List<JsonNode> fromB = b(mode).server().serverSideEmitWithAck("hello", "again").await().atMost(WAIT);
        assertEquals(List.of("A"), fromB.stream().map(JsonNode::asText).toList());
        // messages of one server arrive in order: had A's first looped back, it would be there by now
        assertEquals(List.of("hello:again"), serverSideEvents.get(a(mode)));
    }

    /**
     * A Java server without a handler for the event says so at once (UNANSWERED, 1003, on the requester's channel):
     * the requester does not wait for {@code requests-timeout}.
     */
    @ParameterizedTest
    @EnumSource(SubscriptionMode.class)
    void aJavaServerThatCannotAnswerSaysSo(SubscriptionMode mode) throws Exception {
        awaitJavaPeers(mode);
        monitor.clear();
        long start = System.nanoTime();
        assertEquals(List.of(), a(mode).server().serverSideEmitWithAck("nobody-listens", 1).await().atMost(WAIT));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 2000, "answered in " + millis + " ms");
        String uidA = a(mode).uid("/");
        List<Command> unanswered = monitor.await(c -> c.name().equals("SPUBLISH")
                && c.arg(0).equals(prefix(mode) + "#/#" + uidA + "#") && c.arg(1).startsWith("{\"type\":1003,"), 1,
                "B's UNANSWERED");
        assertEquals(1, unanswered.size(), monitor.commands().toString());
        assertTrue(unanswered.get(0).arg(1).matches("\\{\"type\":1003,\"data\":\\{\"requestId\":\"[0-9a-f]{16}\"},"
                + "\"uid\":\"" + b(mode).uid("/") + "\",\"nsp\":\"/\"}"), unanswered.get(0).arg(1));
    }

    /**
     * A request of a type this server does not know, from a Java server (it sent heartbeats): "I will not answer" at
     * once. From a server that never sent one (Node's never do), nothing.
     */
    @ParameterizedTest
    @EnumSource(SubscriptionMode.class)
    void anUnknownRequestOfAJavaServerIsUnanswered(SubscriptionMode mode) throws Exception {
        String main = prefix(mode) + "#/#";
        monitor.clear();
        redis.command("SPUBLISH", main, "{\"type\":1500,\"data\":{\"requestId\":\"from-node\"},\"uid\":\"node-uid\","
                + "\"nsp\":\"/\"}");
        redis.command("SPUBLISH", main, "{\"type\":2,\"uid\":\"java-uid\",\"nsp\":\"/\"}");
        redis.command("SPUBLISH", main, "{\"type\":1500,\"data\":{\"requestId\":\"from-java\"},\"uid\":\"java-uid\","
                + "\"nsp\":\"/\"}");
        List<Command> answers = monitor.await(c -> c.name().equals("SPUBLISH") && c.arg(0).startsWith(main)
                && c.arg(1).startsWith("{\"type\":1003,"), 2, "both servers' UNANSWERED");
        Thread.sleep(200);
        answers = monitor.commands(c -> c.name().equals("SPUBLISH") && c.arg(1).startsWith("{\"type\":1003,"));
        assertEquals(2, answers.size(), answers.toString());
        for (Command answer : answers) {
            assertEquals(main + "java-uid#", answer.arg(0));
            assertTrue(answer.arg(1).startsWith("{\"type\":1003,\"data\":{\"requestId\":\"from-java\"}"),
                    answer.arg(1));
        }
    }

    /** Each server knows the other as a Java server once it heard its heartbeat. */
    static void awaitJavaPeers(SubscriptionMode mode) throws InterruptedException {
        RedisAdapter adapterA = a(mode).adapter("/");
        RedisAdapter adapterB = b(mode).adapter("/");
        String uidA = adapterA.uid;
        String uidB = adapterB.uid;
        TestClient.awaitCondition(() -> onContext(a(mode), () -> adapterA.isJavaPeer(uidB))
                && onContext(b(mode), () -> adapterB.isJavaPeer(uidA)), "the servers heard each other's heartbeat");
    }

    static boolean onContext(RedisNode node, BooleanSupplier check) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        node.factory().onContext(() -> result.complete(check.getAsBoolean()));
        return result.join();
    }

    @ParameterizedTest
    @EnumSource(SubscriptionMode.class)
    void broadcastWithAcksCollectsEveryClientOfBothServers(SubscriptionMode mode) throws Exception {
        List<TestClient> all = twoClientsPerServer(mode);
        List<JsonNode> acks = b(mode).server().timeout(Duration.ofSeconds(4)).emitWithAck("ask", 1).await()
                .atMost(WAIT);
        assertEquals(new TreeSet<>(List.of("a1", "a2", "b1", "b2")),
                new TreeSet<>(acks.stream().map(JsonNode::asText).toList()));

        // a room with no member on the sender's server: still the namespace's channel, every server counts
        local(a(mode), all.get(0)).join("ack-room");
        local(a(mode), all.get(1)).join("ack-room");
        awaitRoomChannels(mode, "ack-room");
        List<JsonNode> some = b(mode).server().to("ack-room").timeout(Duration.ofSeconds(4)).emitWithAck("ask", 2)
                .await().atMost(WAIT);
        assertEquals(Set.of("a1", "a2"), some.stream().map(JsonNode::asText).collect(Collectors.toSet()));

        assertEquals(List.of(), a(mode).server().to("empty-room").timeout(Duration.ofSeconds(4))
                .emitWithAck("ask", 3).await().atMost(WAIT));
    }

    /** A third server comes and goes: counted while there, not waited for once it closed. */
    @ParameterizedTest
    @EnumSource(SubscriptionMode.class)
    void aServerThatClosesIsNoLongerCounted(SubscriptionMode mode) throws Exception {
        RedisNode c = startServer(mode, "C");
        try {
            List<RedisNode> three = List.of(a(mode), b(mode), c);
            awaitServerCount(three, "/", 3);
            TestClient onC = connect(c, "on-c");
            assertEquals(Set.of("B", "C"), a(mode).server().serverSideEmitWithAck("hello", "three").await()
                    .atMost(WAIT).stream().map(JsonNode::asText).collect(Collectors.toSet()));
            assertEquals(Set.of(onC.id()), a(mode).server().fetchSockets().await().atMost(WAIT).stream()
                    .map(RemoteSocket::id).collect(Collectors.toSet()));
        } finally {
            c.close();
            serverSideEvents.remove(c);
        }
        awaitServerCount(servers.get(mode), "/", 2);
        assertEquals(List.of("B"), a(mode).server().serverSideEmitWithAck("hello", "two").await().atMost(WAIT)
                .stream().map(JsonNode::asText).toList());
    }
}
