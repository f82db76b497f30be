package io.quarkiverse.socketio.it.server;

import static io.quarkiverse.socketio.it.support.JavaClients.await;
import static io.quarkiverse.socketio.it.support.JavaClients.awaitCondition;
import static io.quarkiverse.socketio.it.support.JavaClients.connect;
import static io.quarkiverse.socketio.it.support.JavaClients.emitWithAck;
import static io.quarkiverse.socketio.it.support.JavaClients.once;
import static io.quarkiverse.socketio.it.support.JavaClients.socket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.AckTimeoutException;
import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.it.fixtures.ApiNamespace;
import io.quarkiverse.socketio.it.support.JavaClients.ClientTransport;
import io.quarkiverse.socketio.it.support.OneServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.socket.client.Ack;
import io.socket.client.Socket;

/**
 * The server API driven from the test, observed by official Java clients: dynamic namespaces, handshake details,
 * socket data, fetchSockets, socketsJoin, socketsLeave, disconnectSockets, catch-all handlers, the disconnecting
 * moment, broadcasts with acknowledgements, and serverSideEmit without other servers. One server on its own: the test
 * reaches sockets through the local API.
 */
@QuarkusTest
@TestProfile(OneServer.class)
class ServerApiTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TestHTTPResource("/")
    URI base;

    @Inject
    SocketIOServer io;

    @Inject
    ApiNamespace fixture;

    private final List<Socket> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(Socket::close);
    }

    private Socket client(String namespace, Map<String, String> auth) throws Exception {
        Socket socket = socket(base, namespace, ClientTransport.WEBSOCKET, auth);
        clients.add(socket);
        return connect(socket);
    }

    private SocketIONamespace api() {
        return io.of(ApiNamespace.NAME);
    }

    private RemoteSocket fetch(String id) {
        return api().fetchSockets().await().atMost(WAIT).stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("fetchSockets did not find " + id));
    }

    @Test
    void dynamicNamespacesAreCreatedOnFirstConnectionAndShareTheGroupHandlers() throws Exception {
        Socket first = socket(base, "/dyn-42", ClientTransport.WEBSOCKET, null);
        clients.add(first);
        CompletableFuture<Object[]> welcome = once(first, "welcome");
        connect(first);
        assertEquals("/dyn-42", await(welcome, "welcome")[0]);

        Socket second = socket(base, "/dyn-7", ClientTransport.WEBSOCKET, null);
        clients.add(second);
        connect(second);
        CompletableFuture<Object[]> toFirst = once(first, "news");
        CompletableFuture<Object[]> toSecond = once(second, "news");
        fixture.dynamic().emit("news", "all");
        assertEquals("all", await(toFirst, "news on /dyn-42")[0]);
        assertEquals("all", await(toSecond, "news on /dyn-7")[0]);

        Socket outside = socket(base, "/dyn-x", ClientTransport.WEBSOCKET, null);
        clients.add(outside);
        CompletableFuture<Object[]> error = once(outside, Socket.EVENT_CONNECT_ERROR);
        outside.connect();
        assertEquals("Invalid namespace", ((org.json.JSONObject) await(error, "connect_error")[0]).getString("message"));
    }

    @Test
    void fetchSocketsShowsHandshakeRoomsAndData() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        Socket client = client(ApiNamespace.NAME, Map.of("user", "ada"));
        String id = client.id();
        api().to(id).socketsJoin("readers");

        RemoteSocket found = fetch(id);
        assertEquals(Set.of(id, "readers"), found.rooms());
        assertEquals("ada", found.data().get("user"));
        assertEquals("ada", found.handshake().auth().path("user").asText());
        assertEquals("127.0.0.1", found.handshake().address());
        assertEquals("4", found.handshake().queryParam("EIO"));
        assertEquals("websocket", found.handshake().queryParam("transport"));
        assertTrue(found.handshake().header("Host").endsWith(":" + base.getPort()), found.handshake().header("Host"));
        assertTrue(!found.handshake().issued().isBefore(before) && !found.handshake().issued().isAfter(Instant.now()),
                () -> "issued " + found.handshake().issued());
        assertEquals(1, api().in("readers").fetchSockets().await().atMost(WAIT).size());
    }

    @Test
    void socketsJoinAndLeaveChangeWhatABroadcastReaches() throws Exception {
        Socket client = client(ApiNamespace.NAME, null);
        List<Object> received = new CopyOnWriteArrayList<>();
        client.on("room-news", args -> received.add(args[0]));

        api().socketsJoin("news");
        CompletableFuture<Object[]> first = once(client, "room-news");
        api().to("news").emit("room-news", 1);
        assertEquals(1, await(first, "the broadcast after socketsJoin")[0]);

        api().socketsLeave("news");
        api().to("news").emit("room-news", 2);
        // A fence: an event sent to the socket after the second broadcast arrives after it, were it delivered.
        CompletableFuture<Object[]> fence = once(client, "fence");
        api().to(client.id()).emit("fence");
        await(fence, "fence");
        assertEquals(List.of(1), received);
    }

    @Test
    void disconnectSocketsDisconnectsTheSelectionWithTheServerReason() throws Exception {
        Socket kept = client(ApiNamespace.NAME, null);
        Socket dropped = client(ApiNamespace.NAME, null);
        api().to(dropped.id()).socketsJoin("to-drop");
        CompletableFuture<Object[]> reason = once(dropped, Socket.EVENT_DISCONNECT);

        api().in("to-drop").disconnectSockets(false);
        assertEquals("io server disconnect", await(reason, "disconnect")[0]);
        assertTrue(kept.connected());
        assertEquals(1, api().fetchSockets().await().atMost(WAIT).stream().filter(s -> s.id().equals(kept.id())).count());
    }

    @Test
    void catchAllSeesEveryEventAndDisconnectingStillSeesTheRooms() throws Exception {
        Socket client = client(ApiNamespace.NAME, null);
        String id = client.id();
        client.emit("first", 1);
        client.emit("second", 2);
        awaitCondition(() -> fixture.eventsSeen(id).size() == 2, "two events seen");
        assertEquals(List.of("first", "second"), fixture.eventsSeen(id));

        api().to(id).socketsJoin("club");
        client.disconnect();
        List<Set<String>> rooms = await(fixture.leaving(id), "disconnect");
        assertEquals(Set.of(id, "club"), rooms.get(0), "rooms while disconnecting");
        assertEquals(Set.of(), rooms.get(1), "rooms once disconnected");
    }

    @Test
    void broadcastWithAcksCollectsEveryAnswerOrFailsWithThePartialOnes() throws Exception {
        Socket a = client(ApiNamespace.NAME, null);
        Socket b = client(ApiNamespace.NAME, null);
        Socket silent = client(ApiNamespace.NAME, null);
        a.on("question", args -> ((Ack) args[args.length - 1]).call("from a"));
        b.on("question", args -> ((Ack) args[args.length - 1]).call("from b"));
        silent.on("question", args -> {
        });
        api().to(a.id(), b.id()).socketsJoin("answering");

        List<JsonNode> answers = api().to("answering").timeout(WAIT).emitWithAck("question", 42).await().atMost(WAIT);
        assertEquals(List.of("from a", "from b"), answers.stream().map(JsonNode::asText).sorted().toList());

        AckTimeoutException timeout = assertThrows(AckTimeoutException.class,
                () -> api().timeout(Duration.ofMillis(500)).emitWithAck("question", 43).await().atMost(WAIT));
        assertEquals(List.of("from a", "from b"),
                timeout.partialResponses().stream().map(JsonNode::asText).sorted().toList());

        IllegalStateException noTimeout = assertThrows(IllegalStateException.class,
                () -> api().emitWithAck("question", 44));
        assertTrue(noTimeout.getMessage().contains("timeout(Duration)"), noTimeout.getMessage());
    }

    @Test
    void serverSideEmitWithoutOtherServersReachesNoOne() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        api().onServerSideEmit("ping-servers", event -> seen.add(event.name()));
        api().serverSideEmit("ping-servers", 1);
        assertEquals(List.of(), api().serverSideEmitWithAck("ping-servers", 2).await().atMost(WAIT));
        assertEquals(List.of(), seen, "the emitting server does not receive its own server-side events");
    }

    @Test
    void aSocketAckCanCarrySeveralArguments() throws Exception {
        Socket client = client(ApiNamespace.NAME, null);
        client.on("two-answers", args -> ((Ack) args[args.length - 1]).call("one", 2));
        var socket = api().localSockets().stream().filter(s -> s.id().equals(client.id())).findFirst().orElseThrow();
        List<JsonNode> answer = socket.emitWithAck(WAIT, "two-answers").await().atMost(WAIT);
        assertEquals(2, answer.size(), () -> "answer " + answer);
        assertEquals("one", answer.get(0).textValue());
        assertEquals(2, answer.get(1).intValue());
    }
}
