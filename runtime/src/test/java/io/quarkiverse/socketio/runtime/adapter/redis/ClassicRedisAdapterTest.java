package io.quarkiverse.socketio.runtime.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.adapter.redis.RedisMonitor.Command;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig.AdapterKind;
import io.quarkiverse.socketio.runtime.server.TestClient;
import io.vertx.core.Vertx;

/**
 * Two Java servers of the classic adapter in one JVM (each its own Socket.IO server, Vert.x Redis client and adapter
 * factory) share one real {@code redis-server}; official Java clients connect to each, and every operation crosses
 * Redis. A third server comes and goes, one answers on the requesters' own channels
 * ({@code publish-on-specific-response-channel}), and the readiness view follows a Redis that stops and comes back.
 * What Node's servers send and understand is {@link ClassicRedisAdapterWireTest}'s.
 */
class ClassicRedisAdapterTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper MSGPACK = new ObjectMapper(new MessagePackFactory());
    private static final String REQUESTS = "socket.io-request#/#";
    private static final String RESPONSES = "socket.io-response#/#";

    static RedisServerProcess redis;
    static RedisMonitor monitor;
    static Vertx vertx;
    static RedisNode a;
    static RedisNode b;
    /** server -> the server-side events its handlers received, as "name:arg" */
    static final Map<RedisNode, List<String>> serverSideEvents = new ConcurrentHashMap<>();

    final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void startServers() throws Exception {
        redis = RedisServerProcess.start();
        monitor = redis.monitor();
        vertx = Vertx.vertx();
        a = startServer(vertx, redis, "A", Map.of());
        b = startServer(vertx, redis, "B", Map.of());
        awaitServerCount(List.of(a, b), "/", 2);
    }

    /**
     * A server with the handlers of these tests: {@code hello} answers its name, {@code echo} its first argument as
     * it arrived, {@code bytes} three bytes; {@code slow}'s argument maps server names to delays in milliseconds
     * ({@code -1}: never), and a server answers its name after its delay, at once when it has none.
     */
    static RedisNode startServer(Vertx vertx, RedisServerProcess redis, String name, Map<String, String> settings)
            throws Exception {
        RedisNode node = RedisNode.start(vertx, redis, RedisNode.config(AdapterKind.REDIS, settings));
        List<String> events = new CopyOnWriteArrayList<>();
        serverSideEvents.put(node, events);
        node.server().onServerSideEmit("hello", event -> {
            events.add(event.name() + ":" + event.arg(0).asText());
            event.ack(name);
        });
        node.server().onServerSideEmit("echo", event -> {
            events.add(event.name() + ":" + event.arg(0));
            event.ack(event.arg(0));
        });
        node.server().onServerSideEmit("bytes", event -> event.ack((Object) new byte[] { 1, 2, (byte) 0xFF }));
        node.server().onServerSideEmit("slow", event -> {
            events.add(event.name());
            long delay = event.arg(0).path(name).asLong(0);
            if (delay == 0) {
                event.ack(name);
            } else if (delay > 0) {
                vertx.setTimer(delay, t -> event.ack(name));
            }
        });
        return node;
    }

    static void awaitServerCount(List<RedisNode> members, String nsp, int expected) throws InterruptedException {
        TestClient.awaitCondition(() -> members.stream().allMatch(
                n -> n.server().of(nsp).serverCount().await().atMost(WAIT) == expected),
                "every server counts " + expected + " servers");
    }

    @AfterAll
    static void stopServers() throws Exception {
        a.close();
        b.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        monitor.close();
        redis.close();
    }

    @AfterEach
    void closeClients() throws InterruptedException {
        clients.forEach(TestClient::close);
        clients.clear();
        TestClient.awaitCondition(() -> a.server().localSockets().isEmpty() && b.server().localSockets().isEmpty(),
                "the clients are gone");
        serverSideEvents.values().forEach(List::clear);
    }

    TestClient connect(RedisNode node, String name) throws Exception {
        return connect(node, "/", name, name);
    }

    TestClient connect(RedisNode node, String nsp, String name, Object ackAnswer) throws Exception {
        TestClient client = TestClient.connect(node.port(), nsp, name, null, ackAnswer);
        clients.add(client);
        return client;
    }

    /** The server side of a client, on the server it is connected to. */
    static SocketIOSocket local(RedisNode node, TestClient client) {
        return node.server().localSockets().stream().filter(s -> s.id().equals(client.id())).findFirst()
                .orElseThrow(() -> new AssertionError(client.name + " is not connected there"));
    }

    /** Two clients per server: a1, a2 on A, b1, b2 on B. */
    List<TestClient> twoClientsPerServer() throws Exception {
        return List.of(connect(a, "a1"), connect(a, "a2"), connect(b, "b1"), connect(b, "b2"));
    }

    /** Sends a last event from a server to every client and waits for it: what it sent before has arrived. */
    static void flush(RedisNode from, List<TestClient> to) throws InterruptedException {
        String event = "sentinel-" + System.nanoTime();
        from.server().emit(event);
        for (TestClient client : to) {
            client.await(event, 1);
        }
    }

    /**
     * A request of {@code from} answered by every other server: everything {@code from} published before it has come
     * back to it from Redis, and been handled, by then (one publishing connection, one subscribing connection, one
     * context).
     */
    static void roundTrip(RedisNode from) {
        from.server().serverSideEmitWithAck("hello", "round-trip").await().atMost(WAIT);
    }

    // ------------------------------------------------------------------ counting

    @Test
    void serverCountIsRedisCountOfTheRequestChannel() throws Exception {
        assertEquals(2, subscribers(REQUESTS));
        assertEquals(2, a.server().serverCount().await().atMost(WAIT));
        assertEquals(2, b.server().serverCount().await().atMost(WAIT));
        // one connection per server, subscribed to three channels and one pattern per namespace
        List<String> subscriptions = subscriptions(redis);
        assertEquals(2, subscriptions.size(), subscriptions.toString());
        for (String subscription : subscriptions) {
            String[] counts = subscription.replaceAll("[a-z=]", "").split(" ");
            assertEquals(Integer.parseInt(counts[0]), 3 * Integer.parseInt(counts[1]), subscription);
        }
    }

    /** A namespace only one server has: every request completes at once, with what is here, and nothing is asked. */
    @Test
    void aRequestOnALoneServerCompletesAtOnce() throws Exception {
        String nsp = "/alone-" + System.nanoTime();
        a.server().of(nsp);
        TestClient.awaitCondition(() -> subscribers("socket.io-request#" + nsp + "#") == 1, "A subscribes");
        TestClient onA = connect(a, nsp, "alone", "alone-ack");
        monitor.clear();
        long start = System.nanoTime();
        assertEquals(1, a.server().of(nsp).serverCount().await().atMost(WAIT));
        assertEquals(List.of(), a.server().of(nsp).serverSideEmitWithAck("hello", "x").await().atMost(WAIT));
        assertEquals(List.of(onA.id()), a.server().of(nsp).fetchSockets().await().atMost(WAIT).stream()
                .map(RemoteSocket::id).toList());
        assertEquals(List.of("alone-ack"), a.server().of(nsp).timeout(Duration.ofSeconds(4)).emitWithAck("ask")
                .await().atMost(WAIT).stream().map(JsonNode::asText).toList());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 1000, "four requests in " + millis + " ms");
        Thread.sleep(100);
        assertEquals(List.of(), monitor.commands(c -> c.name().equals("PUBLISH")
                && c.arg(0).equals("socket.io-request#" + nsp + "#") && !c.arg(1).contains("\"type\":100")),
                "nothing published: nobody to ask");
    }

    // ------------------------------------------------------------------ broadcasts

    @Test
    void broadcastsReachTheSelectedClientsOfBothServersOnce() throws Exception {
        List<TestClient> all = twoClientsPerServer();
        local(a, all.get(0)).join("room-1");
        local(b, all.get(2)).join("room-1");
        local(b, all.get(3)).join("room-2", "room-1");
        local(a, all.get(1)).join("muted");
        monitor.clear();

        a.server().to("room-1").emit("one-room", "x");
        b.server().to("room-1", "room-2").emit("two-rooms", 2.5);
        b.server().except("muted").emit("except", true);
        a.server().local().emit("local-only");
        b.server().to(all.get(1).id()).emit("to-socket", "private");
        a.server().to("room-2").except("room-1").emit("nobody");
        flush(a, all);
        flush(b, all);

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

        // the channels: one room (a socket's own too) has its own, none or several the namespace's
        List<String> channels = monitor.commands(c -> c.name().equals("PUBLISH") && c.arg(0).startsWith("socket.io#"))
                .stream().map(c -> c.arg(0)).sorted().toList();
        assertEquals(Stream.of("socket.io#/#", "socket.io#/#", "socket.io#/#", "socket.io#/#",
                "socket.io#/#" + all.get(1).id() + "#", "socket.io#/#room-1#", "socket.io#/#room-2#").sorted().toList(),
                channels, "two-rooms, except and the two sentinels on the namespace's channel, local-only nowhere");
    }

    /**
     * A message on a room's channel is dropped, undecoded, by a server with no member in that room, whatever its
     * options say: here they say "every socket", which a server that has the room applies.
     */
    @Test
    void aServerWithoutTheRoomDropsTheRoomChannel() throws Exception {
        List<TestClient> all = twoClientsPerServer();
        local(b, all.get(2)).join("here");
        byte[] everyone = MSGPACK.writeValueAsBytes(List.of("node-uid",
                Map.of("type", 2, "data", List.of("to-everyone", 1), "nsp", "/"),
                Map.of("rooms", List.of(), "except", List.of(), "flags", Map.of())));
        assertEquals(2, redis.publish("socket.io#/#not-here#", everyone));
        assertEquals(2, redis.publish("socket.io#/#here#", everyone));
        assertEquals(2, redis.publish("socket.io#/#", everyone));
        flush(a, all);
        flush(b, all);
        // B has "here": it applies the options, every socket of B; A has neither room
        assertEquals(List.of(1, 1, 2, 2), all.stream().map(c -> c.count("to-everyone")).toList());
    }

    /** Messages that are none, on every channel: dropped, and nothing else happens (no connection is lost). */
    @Test
    void malformedMessagesAreDropped() throws Exception {
        List<TestClient> all = twoClientsPerServer();
        monitor.clear();
        byte[][] garbage = { {}, { (byte) 0xC1 }, { (byte) 0x93, 1 }, "{nope".getBytes(), "{}".getBytes(),
                "{\"uid\":1,\"type\":\"x\",\"requestId\":[]}".getBytes(),
                "{\"uid\":\"x\",\"type\":2,\"opts\":7,\"rooms\":{}}".getBytes(), MSGPACK.writeValueAsBytes(List.of(1, 2, 3)),
                MSGPACK.writeValueAsBytes(List.of("x", Map.of("type", 2), Map.of())) };
        for (byte[] payload : garbage) {
            for (String channel : List.of("socket.io#/#", "socket.io#/#" + all.get(0).id() + "#", REQUESTS, RESPONSES,
                    RESPONSES + a.uid("/") + "#")) {
                redis.publish(channel, payload);
            }
        }
        flush(a, all);
        flush(b, all);
        roundTrip(a);
        roundTrip(b);
        assertEquals(List.of(), monitor.commands(RedisMonitor.named("SUBSCRIBE", "PSUBSCRIBE")), "no reconnection");
        assertEquals(Optional.empty(), a.factory().unavailability());
        assertEquals(Optional.empty(), b.factory().unavailability());
    }

    @Test
    void binaryBroadcastsKeepTheirBytes() throws Exception {
        TestClient onB = connect(b, "bin-b");
        local(b, onB).join("bin-room");
        byte[] everyByte = new byte[256];
        for (int i = 0; i < 256; i++) {
            everyByte[i] = (byte) i;
        }
        byte[] nested = { 0, (byte) 0xFF, 0x7F, (byte) 0x80, 0x0A, 0x0D, '{' };
        a.server().emit("bin", everyByte, Map.of("inner", nested, "text", "t"));
        a.server().to("bin-room").emit("bin-room", (Object) nested);
        Object[] args = onB.await("bin", 1).get(0);
        assertArrayEquals(everyByte, (byte[]) args[0]);
        JSONObject object = (JSONObject) args[1];
        assertArrayEquals(nested, (byte[]) object.get("inner"));
        assertEquals("t", object.get("text"));
        assertArrayEquals(nested, (byte[]) onB.await("bin-room", 1).get(0)[0]);
    }

    /**
     * The requests in JSON cannot carry bytes: they travel as Node writes a Buffer there, and arrive so, as a Node
     * server would get them. The broadcast with acknowledgements and the acknowledgements of clients are MessagePack:
     * their bytes cross intact.
     */
    @Test
    void jsonRequestsCarryBytesAsNodeBuffersMessagePackOnesAsBytes() throws Exception {
        byte[] bytes = { 1, 2, (byte) 0xFF };
        String buffer = "{\"type\":\"Buffer\",\"data\":[1,2,255]}";
        monitor.clear();
        List<JsonNode> echoed = a.server().serverSideEmitWithAck("echo", (Object) bytes).await().atMost(WAIT);
        assertEquals(List.of(JSON.readTree(buffer)), echoed);
        assertEquals(List.of("echo:" + buffer), serverSideEvents.get(b));
        Command request = monitor.await(c -> c.name().equals("PUBLISH") && c.arg(0).equals(REQUESTS)
                && c.arg(1).contains("\"echo\""), 1, "the request").get(0);
        assertTrue(request.arg(1).endsWith(",\"type\":6,\"data\":[\"echo\"," + buffer + "]}"), request.arg(1));
        assertEquals(List.of(JSON.readTree(buffer)), a.server().serverSideEmitWithAck("bytes").await().atMost(WAIT));

        TestClient onB = connect(b, "/", "blob-owner", bytes);
        local(b, onB).data().put("blob", bytes);
        RemoteSocket fetched = a.server().in(onB.id()).fetchSockets().await().atMost(WAIT).get(0);
        assertEquals(Map.of("type", "Buffer", "data", List.of(1, 2, 255)), fetched.data().get("blob"));

        // emitWithAck: the packet and the client's acknowledgement, both with bytes
        List<JsonNode> acks = a.server().timeout(Duration.ofSeconds(4)).emitWithAck("ask-bin", (Object) bytes)
                .await().atMost(WAIT);
        assertArrayEquals(bytes, (byte[]) onB.events("ask-bin").get(0)[0]);
        assertEquals(1, acks.size());
        assertArrayEquals(bytes, acks.get(0).binaryValue());
    }

    // ------------------------------------------------------------------ remote operations

    @Test
    void socketsJoinLeaveAndDisconnectReachTheOtherServer() throws Exception {
        TestClient onA = connect(a, "on-a");
        TestClient onB = connect(b, "on-b");
        TestClient otherB = connect(b, "other-b");
        SocketIOSocket sa = local(a, onA);
        SocketIOSocket sb = local(b, onB);

        a.server().in(onA.id(), onB.id()).socketsJoin("joined", "also");
        assertTrue(sa.rooms().containsAll(Set.of("joined", "also")), "applied on the sender at once");
        TestClient.awaitCondition(() -> sb.rooms().containsAll(Set.of("joined", "also")), "the socket of B joins");
        a.server().to("joined").emit("in-joined");
        onB.await("in-joined", 1);

        b.server().in("joined").except(onA.id()).socketsLeave("also");
        TestClient.awaitCondition(() -> !sb.rooms().contains("also"), "the socket of B leaves");
        assertTrue(sa.rooms().contains("also"));

        a.server().in("also").disconnectSockets(false);
        assertEquals("io server disconnect", onA.disconnected.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        b.server().in("joined").disconnectSockets(true);
        assertNotNull(onB.disconnected.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        Thread.sleep(100);
        assertFalse(otherB.disconnected.isDone());
    }

    /**
     * The sender of a socketsJoin, socketsLeave or disconnectSockets applies it to its own sockets when it sends it,
     * and not a second time when its request comes back from Redis (Node's sender applies it only then): what a
     * local-only operation changed in between stays.
     */
    @Test
    void theSenderAppliesItsOwnOperationsOnce() throws Exception {
        TestClient onA = connect(a, "on-a");
        TestClient onB = connect(b, "on-b");
        SocketIOSocket sa = local(a, onA);
        SocketIOSocket sb = local(b, onB);
        a.server().socketsJoin("once");
        assertTrue(sa.rooms().contains("once"), "applied on the sender at once");
        a.server().local().socketsLeave("once");
        b.server().socketsLeave("gone");
        b.server().local().socketsJoin("gone");
        roundTrip(a);
        roundTrip(b);
        assertEquals(Set.of(onA.id()), sa.rooms(), "A did not join again when its request came back");
        assertEquals(Set.of(onB.id(), "once", "gone"), sb.rooms(), "B did not leave again");

        a.server().in(onA.id()).disconnectSockets(false);
        assertEquals("io server disconnect", onA.disconnected.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertFalse(onB.disconnected.isDone());
    }

    @Test
    void fetchSocketsReturnsBothServersSocketsWithRoomsDataAndHandshake() throws Exception {
        List<TestClient> all = twoClientsPerServer();
        for (int i = 0; i < all.size(); i++) {
            SocketIOSocket socket = local(i < 2 ? a : b, all.get(i));
            socket.join("fetch-room");
            socket.data().put("name", all.get(i).name);
            socket.data().put("tags", List.of("a", "b"));
        }
        for (RedisNode from : List.of(a, b)) {
            List<RemoteSocket> sockets = from.server().in("fetch-room").fetchSockets().await().atMost(WAIT);
            assertEquals(all.stream().map(TestClient::id).collect(Collectors.toSet()),
                    sockets.stream().map(RemoteSocket::id).collect(Collectors.toSet()));
            assertEquals(4, sockets.size());
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
        List<RemoteSocket> some = b.server().in("fetch-room").except(all.get(0).id(), all.get(3).id())
                .fetchSockets().await().atMost(WAIT);
        assertEquals(Set.of(all.get(1).id(), all.get(2).id()),
                some.stream().map(RemoteSocket::id).collect(Collectors.toSet()));
        assertEquals(Set.of(all.get(0).id(), all.get(1).id()), a.server().local().fetchSockets().await()
                .atMost(WAIT).stream().map(RemoteSocket::id).collect(Collectors.toSet()));
    }

    @Test
    void aFetchedRemoteSocketIsOperatedThroughRedis() throws Exception {
        TestClient onA = connect(a, "on-a");
        SocketIOSocket sa = local(a, onA);
        RemoteSocket remote = b.server().in(onA.id()).fetchSockets().await().atMost(WAIT).get(0);
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

    @Test
    void serverSideEmitReachesTheOtherServerOnly() throws Exception {
        a.server().serverSideEmit("hello", "plain");
        TestClient.awaitCondition(() -> serverSideEvents.get(b).contains("hello:plain"), "B handles it");
        List<JsonNode> answers = a.server().serverSideEmitWithAck("hello", "acked").await().atMost(WAIT);
        assertEquals(List.of("B"), answers.stream().map(JsonNode::asText).toList());
        List<JsonNode> fromB = b.server().serverSideEmitWithAck("hello", "again").await().atMost(WAIT);
        assertEquals(List.of("A"), fromB.stream().map(JsonNode::asText).toList());
        // messages of one server arrive in order: had A's first looped back, it would be there by now
        assertEquals(List.of("hello:again"), serverSideEvents.get(a));
        assertEquals(List.of("hello:plain", "hello:acked"), serverSideEvents.get(b));
    }

    /**
     * A Java server without a handler for the event says so at once to a Java requester (UNANSWERED, 1003, on the
     * requester's own response channel), which does not wait for {@code requests-timeout}. A Node requester never gets
     * one: Node's adapter would take it for an answer (it counts any message with the request id).
     */
    @Test
    void aJavaServerThatCannotAnswerSaysSoToJavaRequestersOnly() throws Exception {
        awaitJavaPeers();
        monitor.clear();
        long start = System.nanoTime();
        assertEquals(List.of(), a.server().serverSideEmitWithAck("nobody-listens", 1).await().atMost(WAIT));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 2000, "answered in " + millis + " ms");
        String uidA = a.uid("/");
        List<Command> unanswered = monitor.await(c -> c.name().equals("PUBLISH")
                && c.arg(0).equals(RESPONSES + uidA + "#") && c.arg(1).startsWith("{\"type\":1003,"), 1,
                "B's UNANSWERED");
        assertEquals(1, unanswered.size(), monitor.commands().toString());
        assertTrue(unanswered.get(0).arg(1).matches("\\{\"type\":1003,\"requestId\":\"[0-9a-f]{16}\",\"uid\":\""
                + b.uid("/") + "\"}"), unanswered.get(0).arg(1));

        // a Node server's request (it never sent a heartbeat): no answer, as from a Node server
        monitor.clear();
        redis.publish(REQUESTS, ("{\"uid\":\"node-1\",\"requestId\":\"node-request\",\"type\":6,"
                + "\"data\":[\"nobody-listens\",1]}").getBytes(StandardCharsets.UTF_8));
        roundTrip(a);
        assertEquals(List.of(), monitor.commands(c -> c.name().equals("PUBLISH") && c.arg(0).startsWith(RESPONSES)
                && c.arg(1).contains("node-request")));
    }

    /**
     * A request of a type this server does not know, from a Java server (it sent heartbeats): "I will not answer" at
     * once. From a server that never sent one (Node's never do), nothing.
     */
    @Test
    void anUnknownRequestOfAJavaServerIsUnanswered() throws Exception {
        monitor.clear();
        redis.publish(REQUESTS, "{\"uid\":\"node-uid\",\"requestId\":\"from-node\",\"type\":1500}".getBytes());
        redis.publish(REQUESTS, "{\"uid\":\"java-uid\",\"type\":1001}".getBytes());
        redis.publish(REQUESTS, "{\"uid\":\"java-uid\",\"requestId\":\"from-java\",\"type\":1500}".getBytes());
        List<Command> answers = monitor.await(c -> c.name().equals("PUBLISH") && c.arg(0).startsWith(RESPONSES)
                && c.arg(1).startsWith("{\"type\":1003,"), 2, "both servers' UNANSWERED");
        Thread.sleep(200);
        answers = monitor.commands(c -> c.name().equals("PUBLISH") && c.arg(1).startsWith("{\"type\":1003,"));
        assertEquals(2, answers.size(), answers.toString());
        for (Command answer : answers) {
            assertEquals(RESPONSES + "java-uid#", answer.arg(0));
            assertTrue(answer.arg(1).startsWith("{\"type\":1003,\"requestId\":\"from-java\","), answer.arg(1));
        }
        redis.publish(REQUESTS, "{\"uid\":\"java-uid\",\"type\":1002}".getBytes()); // it leaves
    }

    /** Each server knows the other as a Java server once it heard its heartbeat. */
    static void awaitJavaPeers() throws InterruptedException {
        RedisAdapter adapterA = a.adapter("/");
        RedisAdapter adapterB = b.adapter("/");
        TestClient.awaitCondition(() -> onContext(a, () -> adapterA.isJavaPeer(adapterB.uid))
                && onContext(b, () -> adapterB.isJavaPeer(adapterA.uid)), "the servers heard each other's heartbeat");
    }

    static boolean onContext(RedisNode node, BooleanSupplier check) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        node.factory().onContext(() -> result.complete(check.getAsBoolean()));
        return result.join();
    }

    @Test
    void broadcastWithAcksCollectsEveryClientOfBothServers() throws Exception {
        List<TestClient> all = twoClientsPerServer();
        List<JsonNode> acks = b.server().timeout(Duration.ofSeconds(4)).emitWithAck("ask", 1).await().atMost(WAIT);
        assertEquals(new TreeSet<>(List.of("a1", "a2", "b1", "b2")),
                new TreeSet<>(acks.stream().map(JsonNode::asText).toList()));
        assertEquals(4, acks.size());

        // a room with no member on the sender's server: every server still counts its clients
        local(a, all.get(0)).join("ack-room");
        local(a, all.get(1)).join("ack-room");
        List<JsonNode> some = b.server().to("ack-room").timeout(Duration.ofSeconds(4)).emitWithAck("ask", 2)
                .await().atMost(WAIT);
        assertEquals(Set.of("a1", "a2"), some.stream().map(JsonNode::asText).collect(Collectors.toSet()));

        long start = System.nanoTime();
        assertEquals(List.of(), a.server().to("empty-room").timeout(Duration.ofSeconds(4))
                .emitWithAck("ask", 3).await().atMost(WAIT));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 2000, "no client: done at once");
    }

    // ------------------------------------------------------------------ servers that come and go

    /**
     * A third server comes: counted, asked and answering. It goes without a word (its process dies: its connections
     * to Redis close): a request that waits for it stops waiting within a second, with the answers of the others. A
     * fourth one closes cleanly while a request waits for it: its farewell ends the wait at once.
     */
    @Test
    void aServerThatGoesIsNoLongerWaitedFor() throws Exception {
        Vertx ownVertx = Vertx.vertx();
        boolean vertxClosed = false;
        RedisNode c = startServer(ownVertx, redis, "C", Map.of());
        try {
            List<RedisNode> three = List.of(a, b, c);
            awaitServerCount(three, "/", 3);
            TestClient onC = TestClient.connect(c.port(), "/", "on-c");
            assertEquals(Set.of("B", "C"), a.server().serverSideEmitWithAck("hello", "three").await()
                    .atMost(WAIT).stream().map(JsonNode::asText).collect(Collectors.toSet()));
            assertEquals(Set.of(onC.id()), a.server().fetchSockets().await().atMost(WAIT).stream()
                    .map(RemoteSocket::id).collect(Collectors.toSet()));

            // B answers at once, C never: A waits for C
            CompletableFuture<List<JsonNode>> waiting = a.server().serverSideEmitWithAck("slow", Map.of("C", -1))
                    .subscribe().asCompletionStage();
            TestClient.awaitCondition(() -> serverSideEvents.get(c).contains("slow"), "C got the request");
            Thread.sleep(300);
            assertFalse(waiting.isDone(), "A waits for C");
            ownVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertxClosed = true;
            long closed = System.nanoTime();
            assertEquals(List.of("B"), waiting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .map(JsonNode::asText).toList());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closed);
            assertTrue(millis < 1000, "A stopped waiting " + millis + " ms after C's connections closed");
            onC.close();
        } finally {
            serverSideEvents.remove(c);
            if (!vertxClosed) {
                ownVertx.close();
            }
        }
        awaitServerCount(List.of(a, b), "/", 2);

        RedisNode d = startServer(vertx, redis, "D", Map.of());
        try {
            awaitServerCount(List.of(a, b, d), "/", 3);
            CompletableFuture<List<JsonNode>> waiting = a.server().serverSideEmitWithAck("slow", Map.of("D", -1))
                    .subscribe().asCompletionStage();
            TestClient.awaitCondition(() -> serverSideEvents.get(d).contains("slow"), "D got the request");
            long start = System.nanoTime();
            d.close();
            assertEquals(List.of("B"), waiting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .map(JsonNode::asText).toList());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < 1000, "A stopped waiting " + millis + " ms after D closed");
        } finally {
            serverSideEvents.remove(d);
        }
        awaitServerCount(List.of(a, b), "/", 2);
        assertEquals(List.of("B"), a.server().serverSideEmitWithAck("hello", "two").await().atMost(WAIT)
                .stream().map(JsonNode::asText).toList());
    }

    /**
     * A server that answered and then leaves is not one the request still waits for: Redis counts one server less, but
     * the request waits on for the server that has not answered yet.
     */
    @Test
    void aServerThatAnsweredAndLeftDoesNotEndTheWaitForAnother() throws Exception {
        RedisNode c = startServer(vertx, redis, "C", Map.of());
        RedisNode d = startServer(vertx, redis, "D", Map.of());
        boolean closedC = false;
        try {
            awaitServerCount(List.of(a, b, c, d), "/", 4);
            CompletableFuture<List<JsonNode>> waiting = a.server().serverSideEmitWithAck("slow", Map.of("D", 2000))
                    .subscribe().asCompletionStage();
            TestClient.awaitCondition(() -> serverSideEvents.get(c).contains("slow"), "C got the request");
            Thread.sleep(200); // and its answer reached A
            c.close();
            closedC = true;
            assertEquals(Set.of("B", "C", "D"), waiting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .map(JsonNode::asText).collect(Collectors.toSet()));
        } finally {
            if (!closedC) {
                c.close();
            }
            d.close();
            serverSideEvents.remove(c);
            serverSideEvents.remove(d);
        }
        awaitServerCount(List.of(a, b), "/", 2);
    }

    /**
     * A Java server whose connections closed, and which then falls silent too (no heartbeat within
     * {@code heartbeat-timeout}), is given up once, not twice: the request waits on for the server that has not
     * answered yet.
     */
    @Test
    void aServerGoneAndThenSilentIsGivenUpOnce() throws Exception {
        Map<String, String> settings = Map.of("quarkus.socketio.redis.key-prefix", "sio-heartbeats",
                "quarkus.socketio.redis.heartbeat-interval", "250ms", "quarkus.socketio.redis.heartbeat-timeout", "1s");
        Vertx ownVertx = Vertx.vertx();
        boolean vertxClosed = false;
        List<RedisNode> nodes = new ArrayList<>();
        try {
            nodes.add(startServer(vertx, redis, "P", settings));
            nodes.add(startServer(vertx, redis, "Q", settings));
            RedisNode r = startServer(ownVertx, redis, "R", settings);
            RedisNode p = nodes.get(0);
            awaitServerCount(List.of(p, nodes.get(1), r), "/", 3);
            RedisAdapter adapterP = p.adapter("/");
            String uidR = r.uid("/");
            TestClient.awaitCondition(() -> onContext(p, () -> adapterP.isJavaPeer(uidR)), "P knows R");
            CompletableFuture<List<JsonNode>> waiting = p.server().serverSideEmitWithAck("slow",
                    Map.of("Q", 3000, "R", -1)).subscribe().asCompletionStage();
            TestClient.awaitCondition(() -> serverSideEvents.get(r).contains("slow"), "R got the request");
            ownVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertxClosed = true;
            serverSideEvents.remove(r);
            assertEquals(List.of("Q"), waiting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .map(JsonNode::asText).toList());
        } finally {
            if (!vertxClosed) {
                ownVertx.close();
            }
            for (RedisNode node : nodes) {
                node.close();
                serverSideEvents.remove(node);
            }
        }
    }

    /**
     * A server with {@code publish-on-specific-response-channel} answers a requester on the requester's own response
     * channel, one without it on the common one, and a requester hears both: a mixed cluster works either way. The
     * answer to a serverSideEmit goes to the common channel whatever the setting, as Node's does.
     */
    @Test
    void specificResponseChannelsEitherWay() throws Exception {
        RedisNode s = startServer(vertx, redis, "S",
                Map.of("quarkus.socketio.redis.publish-on-specific-response-channel", "true"));
        try {
            awaitServerCount(List.of(a, b, s), "/", 3);
            TestClient onS = connect(s, "on-s");
            TestClient onB = connect(b, "on-b");
            String uidA = a.uid("/");
            String uidB = b.uid("/");
            String uidS = s.uid("/");

            // A asks (it answers on the common channel), S answers on A's own
            monitor.clear();
            assertEquals(Set.of(onS.id(), onB.id()), a.server().fetchSockets().await().atMost(WAIT).stream()
                    .map(RemoteSocket::id).collect(Collectors.toSet()));
            assertEquals(Set.of("on-s", "on-b"), a.server().timeout(Duration.ofSeconds(4)).emitWithAck("ask")
                    .await().atMost(WAIT).stream().map(JsonNode::asText).collect(Collectors.toSet()));
            assertEquals(Set.of("B", "S"), a.server().serverSideEmitWithAck("hello", "mixed").await().atMost(WAIT)
                    .stream().map(JsonNode::asText).collect(Collectors.toSet()));
            assertEquals(Map.of(
                    "fetch from " + uidB, RESPONSES, "fetch from " + uidS, RESPONSES + uidA + "#",
                    "count from " + uidB, RESPONSES, "count from " + uidS, RESPONSES + uidA + "#",
                    "ack of on-b", RESPONSES, "ack of on-s", RESPONSES + uidA + "#",
                    "sse from " + uidB, RESPONSES, "sse from " + uidS, RESPONSES), answers());

            // S asks: A and B answer on the common channel, which S hears
            monitor.clear();
            assertEquals(Set.of(onS.id(), onB.id()), s.server().fetchSockets().await().atMost(WAIT).stream()
                    .map(RemoteSocket::id).collect(Collectors.toSet()));
            assertEquals(Set.of("A", "B"), s.server().serverSideEmitWithAck("hello", "mixed").await().atMost(WAIT)
                    .stream().map(JsonNode::asText).collect(Collectors.toSet()));
            assertEquals(Map.of("fetch from " + uidA, RESPONSES, "fetch from " + uidB, RESPONSES,
                    "sse from " + uidA, RESPONSES, "sse from " + uidB, RESPONSES), answers());
        } finally {
            s.close();
            serverSideEvents.remove(s);
        }
        awaitServerCount(List.of(a, b), "/", 2);
    }

    /** The answers MONITOR saw, each as "what from whom" -> the channel it went to. */
    static Map<String, String> answers() throws InterruptedException {
        Thread.sleep(100);
        Map<String, String> answers = new java.util.HashMap<>();
        for (Command command : monitor.commands(c -> c.name().equals("PUBLISH") && c.arg(0).startsWith(RESPONSES))) {
            byte[] payload = command.args().get(1);
            JsonNode answer = payload[0] == '{' ? readJson(payload) : readMsgpack(payload);
            String what = switch (answer.path("type").asInt(-1)) {
                case -1 -> "fetch from " + answer.path("uid").asText();
                case 6 -> "sse from " + answer.path("uid").asText();
                case 8 -> "count from " + answer.path("uid").asText();
                case 9 -> "ack of " + answer.path("packet").asText();
                default -> "other " + answer;
            };
            if (answers.put(what, command.arg(0)) != null) {
                throw new AssertionError("twice: " + what);
            }
        }
        return answers;
    }

    // ------------------------------------------------------------------ Redis goes away

    /**
     * Redis stops under two servers: each says it cannot reach it (the readiness check's view), and serves its own
     * clients meanwhile. Redis comes back (empty): each subscribes again, says it is available, and a broadcast
     * crosses again.
     */
    @Test
    void readinessFollowsARedisThatStopsAndComesBack() throws Exception {
        RedisServerProcess ownRedis = RedisServerProcess.start();
        Vertx ownVertx = Vertx.vertx();
        List<RedisNode> two = new ArrayList<>();
        try {
            two.add(startServer(ownVertx, ownRedis, "X", Map.of()));
            two.add(startServer(ownVertx, ownRedis, "Y", Map.of()));
            RedisNode x = two.get(0);
            RedisNode y = two.get(1);
            awaitServerCount(two, "/", 2);
            assertEquals(Optional.empty(), x.factory().unavailability());
            TestClient onX = connect(x, "on-x");
            TestClient onY = connect(y, "on-y");
            x.server().emit("before", 1);
            onY.await("before", 1);

            ownRedis.kill();
            awaitLong(() -> two.stream().allMatch(n -> n.factory().unavailability().isPresent()),
                    "both servers see Redis go");
            String why = x.factory().unavailability().orElseThrow();
            assertTrue(why.startsWith("the redis adapter cannot reach Redis ("), why);
            x.server().emit("while-away", 2);
            onX.await("while-away", 1);

            ownRedis.restart();
            awaitLong(() -> two.stream().allMatch(n -> n.factory().unavailability().isEmpty()),
                    "both servers reach Redis again");
            for (String channel : List.of(REQUESTS, RESPONSES, RESPONSES + x.uid("/") + "#")) {
                assertEquals(channel.endsWith("/#") ? 2L : 1L,
                        ((List<?>) ownRedis.reply("PUBSUB", "NUMSUB", channel)).get(1), channel);
            }
            assertEquals(List.of("sub=3 psub=1", "sub=3 psub=1"), subscriptions(ownRedis));
            x.server().emit("after", 3);
            assertEquals(3, onY.await("after", 1).get(0)[0]);
            y.server().emit("after-y", 4);
            onX.await("after-y", 1);
            assertEquals(0, onY.count("while-away"), "pub/sub keeps nothing for a server that could not hear");
        } finally {
            for (TestClient client : clients) {
                client.close();
            }
            clients.clear();
            for (RedisNode node : two) {
                node.close();
                serverSideEvents.remove(node);
            }
            ownVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            ownRedis.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    static void awaitLong(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + what + " within 20 s");
            }
            Thread.sleep(10);
        }
    }

    /** The subscriptions of each pub/sub connection, as CLIENT LIST has them: {@code sub=<n> psub=<n>}. */
    static List<String> subscriptions(RedisServerProcess redis) throws IOException {
        String list = new String((byte[]) redis.reply("CLIENT", "LIST", "TYPE", "pubsub"), StandardCharsets.UTF_8);
        List<String> found = new ArrayList<>();
        for (String line : list.split("\n")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(" (sub=\\d+ psub=\\d+) ").matcher(line);
            if (m.find()) {
                found.add(m.group(1));
            }
        }
        return found;
    }

    static long subscribers(String channel) {
        try {
            return (Long) ((List<?>) redis.reply("PUBSUB", "NUMSUB", channel)).get(1);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode readJson(byte[] payload) {
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode readMsgpack(byte[] payload) {
        try {
            return MSGPACK.readTree(payload);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
