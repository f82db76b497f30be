package io.quarkiverse.socketio.runtime.adapter.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.cluster.injvm.InJvmRelay;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.server.ClusterNode;
import io.quarkiverse.socketio.runtime.server.TestClient;
import io.vertx.core.Vertx;

/**
 * Three servers in one JVM joined by an {@link InJvmRelay}, official Java clients connected to each: every cluster
 * operation crosses the relay as real frames.
 */
class ClusterAdapterTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    static Vertx vertx;
    static SocketIOConfig config;
    static InJvmRelay relay;
    static List<ClusterNode> nodes = new ArrayList<>();
    /** server -> the server-side events its handlers received, as "name:arg" */
    static final Map<ClusterNode, List<String>> serverSideEvents = new ConcurrentHashMap<>();

    final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        vertx = Vertx.vertx();
        config = ClusterNode.defaultConfig();
        relay = new InJvmRelay();
        for (int i = 0; i < 3; i++) {
            nodes.add(startNode(relay));
        }
        awaitServerCount(nodes, 3);
    }

    static ClusterNode startNode(InJvmRelay relay) throws Exception {
        ClusterNode node = ClusterNode.start(vertx, relay, config, Duration.ofSeconds(5));
        int number = node.node();
        List<String> events = new CopyOnWriteArrayList<>();
        serverSideEvents.put(node, events);
        node.server().onServerSideEmit("hello", event -> {
            events.add(event.name() + ":" + event.arg(0).asText());
            event.ack(number);
        });
        return node;
    }

    static void awaitServerCount(List<ClusterNode> members, int expected) throws InterruptedException {
        TestClient.awaitCondition(() -> members.stream().allMatch(n -> serverCount(n) == expected),
                "every server counts " + expected + " servers");
    }

    static int serverCount(ClusterNode node) {
        return node.adapters().adapter("/").serverCount().await().atMost(WAIT);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (ClusterNode node : nodes) {
            node.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeClients() {
        clients.forEach(TestClient::close);
        clients.clear();
    }

    TestClient connect(ClusterNode node, String name) throws Exception {
        TestClient client = TestClient.connect(node.port(), "/", name);
        clients.add(client);
        return client;
    }

    /** The server side of a client, on the server it is connected to. */
    static SocketIOSocket local(ClusterNode node, TestClient client) {
        return node.server().localSockets().stream().filter(s -> s.id().equals(client.id())).findFirst()
                .orElseThrow(() -> new AssertionError(client.name + " is not connected to node " + node.node()));
    }

    /** Two clients per server, c{node}a and c{node}b. */
    List<TestClient> twoClientsPerServer() throws Exception {
        List<TestClient> all = new ArrayList<>();
        for (ClusterNode node : nodes) {
            all.add(connect(node, "c" + node.node() + "a"));
            all.add(connect(node, "c" + node.node() + "b"));
        }
        return all;
    }

    /** Sends a last event from a server to every client and waits for it: what it sent before has arrived. */
    void flush(ClusterNode from, List<TestClient> to) throws InterruptedException {
        String event = "sentinel-" + System.nanoTime();
        from.server().emit(event);
        for (TestClient client : to) {
            client.await(event, 1);
        }
    }

    @Test
    void serverCountCountsEveryServer() {
        for (ClusterNode node : nodes) {
            assertEquals(3, serverCount(node));
            assertEquals(2, node.adapters().adapter("/").remoteNodes().size());
        }
    }

    @Test
    void broadcastToRoomReachesMembersOnEveryServerExactlyOnce() throws Exception {
        List<TestClient> all = twoClientsPerServer();
        Set<TestClient> members = Set.of(all.get(0), all.get(2), all.get(4), all.get(5));
        for (int i = 0; i < all.size(); i++) {
            if (members.contains(all.get(i))) {
                local(nodes.get(i / 2), all.get(i)).join("room-1");
            }
        }
        // a socket in two selected rooms gets the packet once
        local(nodes.get(2), all.get(5)).join("room-2");

        nodes.get(1).server().to("room-1", "room-2").emit("news", "hello");
        flush(nodes.get(1), all);

        for (TestClient client : all) {
            assertEquals(members.contains(client) ? 1 : 0, client.count("news"), client.name);
        }
        assertEquals("hello", all.get(0).events("news").get(0)[0]);
    }

    @Test
    void exceptLeavesOutRemoteMembers() throws Exception {
        List<TestClient> all = twoClientsPerServer();
        for (int i = 0; i < all.size(); i++) {
            SocketIOSocket socket = local(nodes.get(i / 2), all.get(i));
            socket.join("room-e");
            if (i % 2 == 1) {
                socket.join("muted");
            }
        }
        nodes.get(0).server().to("room-e").except("muted").emit("notice", 1);
        flush(nodes.get(0), all);
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i % 2 == 1 ? 0 : 1, all.get(i).count("notice"), all.get(i).name);
        }
    }

    @Test
    void localFlagStaysOnThisServer() throws Exception {
        List<TestClient> all = twoClientsPerServer();
        nodes.get(0).server().local().emit("local-only");
        flush(nodes.get(0), all);
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i < 2 ? 1 : 0, all.get(i).count("local-only"), all.get(i).name);
        }
    }

    @Test
    void socketsJoinLeaveAndDisconnectReachRemoteSockets() throws Exception {
        TestClient onTwo = connect(nodes.get(1), "on-two");
        TestClient onThree = connect(nodes.get(2), "on-three");
        SocketIOSocket two = local(nodes.get(1), onTwo);
        SocketIOSocket three = local(nodes.get(2), onThree);

        nodes.get(0).server().in(onTwo.id(), onThree.id()).socketsJoin("joined", "also");
        TestClient.awaitCondition(() -> two.rooms().containsAll(Set.of("joined", "also"))
                && three.rooms().containsAll(Set.of("joined", "also")), "remote sockets join");

        nodes.get(0).server().in("joined").except(onThree.id()).socketsLeave("also");
        TestClient.awaitCondition(() -> !two.rooms().contains("also"), "the remote socket leaves");
        assertTrue(three.rooms().contains("also"));

        nodes.get(0).server().in("also").disconnectSockets(false);
        assertEquals("io server disconnect", onThree.disconnected.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        TestClient.awaitCondition(() -> !three.connected(), "the remote socket is disconnected");
        assertTrue(two.connected());
        assertFalse(onTwo.disconnected.isDone());
    }

    @Test
    void fetchSocketsFromEitherServerReturnsAllWithRoomsDataAndHandshake() throws Exception {
        List<TestClient> all = twoClientsPerServer();
        for (int i = 0; i < all.size(); i++) {
            SocketIOSocket socket = local(nodes.get(i / 2), all.get(i));
            socket.join("fetch-room");
            socket.data().put("name", all.get(i).name);
            socket.data().put("tags", List.of("a", "b"));
        }
        for (ClusterNode from : List.of(nodes.get(0), nodes.get(2))) {
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
                assertTrue(socket.handshake().url().startsWith("/socket.io/"), socket.handshake().url());
            }
        }
        // with rooms and except, from the third server
        List<RemoteSocket> some = nodes.get(1).server().in("fetch-room").except(all.get(0).id(), all.get(3).id())
                .fetchSockets().await().atMost(WAIT);
        assertEquals(4, some.size());
    }

    @Test
    void remoteSocketActionsTravelThroughTheCluster() throws Exception {
        TestClient onOne = connect(nodes.get(0), "on-one");
        SocketIOSocket one = local(nodes.get(0), onOne);
        RemoteSocket remote = nodes.get(2).server().in(onOne.id()).fetchSockets().await().atMost(WAIT).get(0);
        assertEquals(onOne.id(), remote.id());

        remote.emit("direct", "hi");
        assertEquals("hi", onOne.await("direct", 1).get(0)[0]);
        remote.join("by-remote");
        TestClient.awaitCondition(() -> one.rooms().contains("by-remote"), "the remote join");
        remote.leave("by-remote");
        TestClient.awaitCondition(() -> !one.rooms().contains("by-remote"), "the remote leave");
        remote.disconnect(false);
        assertEquals("io server disconnect", onOne.disconnected.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Test
    void serverSideEmitReachesTheOtherServersOnly() throws Exception {
        nodes.forEach(n -> serverSideEvents.get(n).clear());
        nodes.get(0).server().serverSideEmit("hello", "plain");
        TestClient.awaitCondition(() -> serverSideEvents.get(nodes.get(1)).contains("hello:plain")
                && serverSideEvents.get(nodes.get(2)).contains("hello:plain"), "the others handle it");

        List<JsonNode> answers = nodes.get(0).server().serverSideEmitWithAck("hello", "acked").await().atMost(WAIT);
        assertEquals(Set.of(nodes.get(1).node(), nodes.get(2).node()),
                answers.stream().map(JsonNode::intValue).collect(Collectors.toSet()));
        assertEquals(2, answers.size());
        // messages from one server arrive in order: had it looped back, the first would be there by now
        assertEquals(List.of(), serverSideEvents.get(nodes.get(0)));

        List<JsonNode> fromTwo = nodes.get(1).server().serverSideEmitWithAck("hello", "again").await().atMost(WAIT);
        assertEquals(Set.of(nodes.get(0).node(), nodes.get(2).node()),
                fromTwo.stream().map(JsonNode::intValue).collect(Collectors.toSet()));
    }

    @Test
    void broadcastWithAcksCollectsEveryClientAcrossServers() throws Exception {
        List<TestClient> all = twoClientsPerServer();
        List<JsonNode> acks = nodes.get(1).server().timeout(Duration.ofSeconds(4)).emitWithAck("ask", 1)
                .await().atMost(WAIT);
        Set<String> names = new TreeSet<>(all.stream().map(c -> c.name).toList());
        Set<String> acked = new TreeSet<>(acks.stream().map(JsonNode::asText).toList());
        assertEquals(names, acked);
        assertEquals(6, acks.size());

        // a room with no member on the sender's server
        local(nodes.get(2), all.get(4)).join("ack-room");
        local(nodes.get(0), all.get(1)).join("ack-room");
        List<JsonNode> some = nodes.get(1).server().to("ack-room").timeout(Duration.ofSeconds(4))
                .emitWithAck("ask", 2).await().atMost(WAIT);
        assertEquals(Set.of(all.get(4).name, all.get(1).name),
                some.stream().map(JsonNode::asText).collect(Collectors.toSet()));

        // nobody selected anywhere
        assertEquals(List.of(), nodes.get(0).server().to("empty-room").timeout(Duration.ofSeconds(4))
                .emitWithAck("ask", 3).await().atMost(WAIT));
    }

    @Test
    void binaryCrossesByteForByte() throws Exception {
        TestClient onTwo = connect(nodes.get(1), "bin-two");
        TestClient onThree = connect(nodes.get(2), "bin-three");
        byte[] everyByte = new byte[256];
        for (int i = 0; i < 256; i++) {
            everyByte[i] = (byte) i;
        }
        byte[] nested = { 0, (byte) 0xFF, 0x7F, (byte) 0x80, 0x0A, 0x0D };
        nodes.get(0).server().emit("bin", everyByte, Map.of("inner", nested, "text", "t"));
        for (TestClient client : List.of(onTwo, onThree)) {
            Object[] args = client.await("bin", 1).get(0);
            assertArrayEquals(everyByte, (byte[]) args[0]);
            JSONObject object = (JSONObject) args[1];
            assertArrayEquals(nested, (byte[]) object.get("inner"));
            assertEquals("t", object.get("text"));
        }
    }

    @Test
    void largePayloadsCrossIntact() throws Exception {
        TestClient onTwo = connect(nodes.get(1), "big-two");
        TestClient onThree = connect(nodes.get(2), "big-three");
        byte[] big = new byte[900 * 1024];
        new Random(42).nextBytes(big);
        StringBuilder text = new StringBuilder(900 * 1024);
        Random random = new Random(7);
        while (text.length() < 900 * 1024) {
            text.append((char) ('a' + random.nextInt(26))).append('é');
        }
        nodes.get(0).server().emit("big", big, text.toString());
        for (TestClient client : List.of(onTwo, onThree)) {
            Object[] args = client.await("big", 1).get(0);
            assertArrayEquals(big, (byte[]) args[0]);
            assertEquals(text.toString(), args[1]);
        }
    }

    @Test
    void namespaceOnSomeServersOnly() throws Exception {
        // /only-two exists on the first two servers: the third is neither counted nor waited for
        nodes.get(0).server().of("/only-two");
        nodes.get(1).server().of("/only-two");
        TestClient.awaitCondition(() -> nodes.get(0).adapters().adapter("/only-two").remoteNodes()
                .equals(Set.of(nodes.get(1).node()))
                && nodes.get(1).adapters().adapter("/only-two").remoteNodes().equals(Set.of(nodes.get(0).node())),
                "the namespace's two servers know each other");
        assertEquals(2, nodes.get(1).adapters().adapter("/only-two").serverCount().await().atMost(WAIT));
        assertEquals(3, serverCount(nodes.get(1)));
        TestClient client = TestClient.connect(nodes.get(1).port(), "/only-two", "only-two");
        clients.add(client);
        List<RemoteSocket> sockets = nodes.get(0).server().of("/only-two").fetchSockets().await().atMost(WAIT);
        assertEquals(List.of(client.id()), sockets.stream().map(RemoteSocket::id).toList());
        nodes.get(0).server().of("/only-two").emit("scoped", "x");
        assertEquals("x", client.await("scoped", 1).get(0)[0]);
    }

    /** A node that dies while requests wait for it: they complete at once with the survivors' answers. */
    @Test
    void killedNodeIsNotWaitedFor() throws Exception {
        InJvmRelay ownRelay = new InJvmRelay();
        List<ClusterNode> cluster = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                cluster.add(startNode(ownRelay));
            }
            awaitServerCount(cluster, 3);
            TestClient one = connect(cluster.get(0), "k1");
            TestClient two = connect(cluster.get(1), "k2");
            connect(cluster.get(2), "k3");
            ClusterNode doomed = cluster.get(2);

            // the doomed node stalls: what is sent to it stays in the relay
            ownRelay.hold(doomed.node());
            long start = System.nanoTime();
            CompletableFuture<List<RemoteSocket>> fetch = cluster.get(0).server().fetchSockets()
                    .subscribeAsCompletionStage();
            CompletableFuture<List<JsonNode>> emit = cluster.get(1).server().serverSideEmitWithAck("hello", "dying")
                    .subscribeAsCompletionStage();
            CompletableFuture<List<JsonNode>> acks = cluster.get(0).server().timeout(Duration.ofSeconds(4))
                    .emitWithAck("ask").subscribeAsCompletionStage();
            Thread.sleep(300);
            assertFalse(fetch.isDone(), "fetchSockets waits for the stalled node");
            assertFalse(emit.isDone(), "serverSideEmitWithAck waits for the stalled node");
            assertFalse(acks.isDone(), "the broadcast with acks waits for the stalled node's count");

            ownRelay.kill(doomed.node());
            doomed.stopServer();

            // completed, not failed: the timeout path fails with ClusterTimeoutException / AckTimeoutException
            List<RemoteSocket> sockets = fetch.get(4, TimeUnit.SECONDS);
            assertEquals(Set.of(one.id(), two.id()), sockets.stream().map(RemoteSocket::id).collect(Collectors.toSet()));
            assertEquals(List.of(cluster.get(0).node()), emit.get(4, TimeUnit.SECONDS).stream()
                    .map(JsonNode::intValue).toList());
            assertEquals(Set.of("k1", "k2"), acks.get(4, TimeUnit.SECONDS).stream().map(JsonNode::asText)
                    .collect(Collectors.toSet()));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsedMillis < 4000, "completed before any timeout: " + elapsedMillis + " ms");

            awaitServerCount(cluster.subList(0, 2), 2);
            assertEquals(2, ownRelay.nodes().size());
            // the survivors go on
            List<RemoteSocket> after = cluster.get(1).server().fetchSockets().await().atMost(WAIT);
            assertEquals(2, after.size());
        } finally {
            for (int i = 0; i < cluster.size(); i++) {
                if (i == 2) {
                    cluster.get(i).adapters().close(); // killed and stopped already
                } else {
                    cluster.get(i).close();
                }
            }
        }
    }

    @Test
    void adapterCloseIsSeenByTheOthers() throws Exception {
        InJvmRelay ownRelay = new InJvmRelay();
        ClusterNode a = startNode(ownRelay);
        ClusterNode b = startNode(ownRelay);
        try {
            awaitServerCount(List.of(a, b), 2);
            b.adapters().close();
            TestClient.awaitCondition(() -> serverCount(a) == 1, "ADAPTER_CLOSE makes the other forget it");
            // a node joining later is introduced to the existing ones
            ClusterNode c = startNode(ownRelay);
            try {
                awaitServerCount(List.of(a, c), 2);
            } finally {
                c.close();
            }
        } finally {
            a.close();
            b.close();
        }
    }
}
