package io.quarkiverse.socketio.it.client;

import static io.quarkiverse.socketio.it.support.JavaClients.await;
import static io.quarkiverse.socketio.it.support.JavaClients.awaitCondition;
import static io.quarkiverse.socketio.it.support.JavaClients.collect;
import static io.quarkiverse.socketio.it.support.JavaClients.emitWithAck;
import static io.quarkiverse.socketio.it.support.JavaClients.json;
import static io.quarkiverse.socketio.it.support.JavaClients.normalize;
import static io.quarkiverse.socketio.it.support.JavaClients.once;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.it.fixtures.DisconnectReasons;
import io.quarkiverse.socketio.it.support.JavaClients;
import io.quarkiverse.socketio.it.support.JavaClients.ClientTransport;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.socket.client.Ack;
import io.socket.client.Socket;

/**
 * The official Java client ({@code io.socket:socket.io-client} 2.1.x) against the server, over polling only,
 * WebSocket only, and the default polling-then-upgrade.
 */
@QuarkusTest
class JavaClientTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    DisconnectReasons reasons;

    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeClients() {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void connectsToTheMainNamespaceAndGetsAnEmptyAuth(ClientTransport transport) throws Exception {
        Socket socket = socket("/", transport, null);
        CompletableFuture<Object[]> auth = once(socket, "auth");
        JavaClients.connect(socket);

        assertEquals(json("[{}]"), normalize(await(auth, "auth")));
        assertEquals(20, socket.id().length(), socket.id());
        assertFalse(socket.id().equals(JavaClients.engine(socket).id()), "the socket id is not the Engine.IO sid");
        if (transport == ClientTransport.DEFAULT) {
            awaitCondition(() -> "websocket".equals(JavaClients.transportName(socket)), "upgraded to websocket");
        }
        assertEquals(transport.expectedFinalTransport(), JavaClients.transportName(socket));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void connectsToACustomNamespaceWithAuth(ClientTransport transport) throws Exception {
        Socket socket = socket("/custom", transport, Map.of("token", "abc", "user", "ann"));
        CompletableFuture<Object[]> auth = once(socket, "auth");
        JavaClients.connect(socket);

        assertEquals(json("[{\"token\":\"abc\",\"user\":\"ann\"}]"), normalize(await(auth, "auth")));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void messageComesBackWithJsonAndBinaryArguments(ClientTransport transport) throws Exception {
        Socket socket = JavaClients.connect(socket("/", transport, null));
        CompletableFuture<Object[]> back = once(socket, "message-back");
        socket.emit("message", mixedArgs());

        assertEquals(json(Expected.MIXED_ARGS), normalize(await(back, "message-back")));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void serverAcknowledgesWithTheSameArguments(ClientTransport transport) throws Exception {
        Socket socket = JavaClients.connect(socket("/", transport, null));

        assertEquals(json(Expected.MIXED_ARGS),
                normalize(await(emitWithAck(socket, "message-with-ack", mixedArgs()), "ack")));
        assertEquals(json("[\"only\"]"), normalize(await(emitWithAck(socket, "message-with-ack", "only"), "ack")));
        assertEquals(json("[]"), normalize(await(emitWithAck(socket, "message-with-ack"), "ack")));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void clientAcknowledgesTheServersEvent(ClientTransport transport) throws Exception {
        Socket socket = socket("/rooms", transport, null);
        CompletableFuture<JsonNode> question = new CompletableFuture<>();
        socket.on("question", args -> {
            question.complete(normalize(args));
            Ack ack = (Ack) args[args.length - 1];
            try {
                ack.call(new JSONObject().put("got", new JSONArray().put(args[0]).put(args[1])), new byte[] { 9, 8 },
                        "done");
            } catch (Exception e) {
                question.completeExceptionally(e);
            }
        });
        JavaClients.connect(socket);

        Object[] answer = await(emitWithAck(socket, "ask",
                new JSONObject().put("event", "question").put("args", new JSONArray().put(21).put(new byte[] { 7 }))),
                "ack of ask");

        assertEquals(json("[21,{\"$binary\":\"Bw==\"}]"), await(question, "question"));
        assertEquals(json("[{\"got\":[21,{\"$binary\":\"Bw==\"}]},{\"$binary\":\"CQg=\"},\"done\"]"), normalize(answer));
    }

    /**
     * Three clients: a joins r1, b joins r1 and vip, c joins r2. News 1 goes to r1 (a, b), 2 to r1 except vip (a),
     * 3 from a to r1 with {@code socket.to} (b, not a), b leaves r1, 4 to r1 (a). A final fence event to every room
     * proves that nothing else arrived before it.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void roomBroadcastsReachTheRoomAndNotTheExcluded(ClientTransport transport) throws Exception {
        Map<String, Socket> clients = new java.util.LinkedHashMap<>();
        Map<String, List<JsonNode>> news = new java.util.LinkedHashMap<>();
        Map<String, CompletableFuture<Object[]>> fences = new java.util.LinkedHashMap<>();
        for (String name : List.of("a", "b", "c")) {
            Socket socket = socket("/rooms", transport, null);
            news.put(name, collect(socket, "news"));
            fences.put(name, once(socket, "fence"));
            clients.put(name, JavaClients.connect(socket));
        }
        Socket a = clients.get("a"), b = clients.get("b"), c = clients.get("c");

        assertEquals(json("[[\"r1\"]]"), normalize(await(emitWithAck(a, "join", "r1"), "join")));
        assertEquals(json("[[\"r1\"]]"), normalize(await(emitWithAck(b, "join", "r1"), "join")));
        assertEquals(json("[[\"r1\",\"vip\"]]"), normalize(await(emitWithAck(b, "join", "vip"), "join")));
        assertEquals(json("[[\"r2\"]]"), normalize(await(emitWithAck(c, "join", "r2"), "join")));

        await(emitWithAck(c, "to-room", request("r1", null, "news", 1)), "to-room ack");
        awaitCondition(() -> news.get("b").size() == 1, "news 1 at b");
        await(emitWithAck(c, "to-room", request("r1", "vip", "news", 2)), "to-room ack");
        await(emitWithAck(a, "from-me", request("r1", null, "news", 3)), "from-me ack");
        awaitCondition(() -> news.get("b").size() == 2, "news 3 at b");
        assertEquals(json("[[\"vip\"]]"), normalize(await(emitWithAck(b, "leave", "r1"), "leave")));
        await(emitWithAck(c, "to-room", request("r1", null, "news", 4)), "to-room ack");
        await(emitWithAck(c, "to-room", request(new JSONArray().put("r1").put("vip").put("r2"), null, "fence", 0)),
                "to-room ack");
        for (var fence : fences.entrySet()) {
            await(fence.getValue(), "fence at " + fence.getKey());
        }

        Map<String, List<Integer>> received = new java.util.LinkedHashMap<>();
        news.forEach((name, events) -> received.put(name, events.stream().map(e -> e.path(0).path("n").asInt()).toList()));
        assertEquals(Map.of("a", List.of(1, 2, 4), "b", List.of(1, 3), "c", List.of()), received);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void middlewareRejectsWithItsMessageAndData(ClientTransport transport) throws Exception {
        Socket rejected = socket("/guarded", transport, Map.of("token", "wrong"));
        CompletableFuture<Object[]> error = once(rejected, Socket.EVENT_CONNECT_ERROR);
        rejected.connect();
        Object[] args = await(error, "connect_error");
        assertTrue(args.length == 1 && args[0] instanceof JSONObject, () -> "connect_error args " + List.of(args));
        assertEquals(json("{\"message\":\"" + Expected.REJECTION_MESSAGE + "\",\"data\":" + Expected.REJECTION_DATA + "}"),
                normalize(args[0]));
        assertFalse(rejected.connected());

        Socket admitted = socket("/guarded", transport, Map.of("token", "s3cret", "user", "ann"));
        CompletableFuture<Object[]> welcome = once(admitted, "welcome");
        JavaClients.connect(admitted);
        assertEquals(json("[{\"user\":\"ann\"}]"), normalize(await(welcome, "welcome")));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void clientLeavesTheNamespace(ClientTransport transport) throws Exception {
        assertDisconnect(transport, "disconnect-client", Socket::disconnect);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void serverDisconnectsTheSocket(ClientTransport transport) throws Exception {
        assertDisconnect(transport, "disconnect-server", socket -> socket.emit("bye", false));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void serverDisconnectsTheSocketAndClosesTheConnection(ClientTransport transport) throws Exception {
        assertDisconnect(transport, "disconnect-server-close", socket -> socket.emit("bye", true));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void clientClosesTheConnection(ClientTransport transport) throws Exception {
        assertDisconnect(transport, "close-transport-client", socket -> JavaClients.engine(socket).close());
    }

    /**
     * The client sends an Engine.IO message that is no Socket.IO packet (type 9): the server closes the connection.
     * Over WebSocket this client only notices at its ping timeout, with the Node.js server too: engine.io-client-java
     * 2.1.0 does not react to the server's close frame (okhttp's {@code onClosing}). Over polling it gets the close
     * packet: {@code transport close}.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void serverClosesTheConnectionOnAMalformedPacket(ClientTransport transport) throws Exception {
        String clientReason = transport == ClientTransport.POLLING ? "transport close" : "ping timeout";
        assertDisconnect(transport, clientReason, "forced close", socket -> JavaClients.engine(socket).send("9"));
    }

    private void assertDisconnect(ClientTransport transport, String scenario, java.util.function.Consumer<Socket> action)
            throws Exception {
        String[] expected = Expected.DISCONNECT_REASONS.get(scenario);
        assertDisconnect(transport, expected[0], expected[1], action);
    }

    private void assertDisconnect(ClientTransport transport, String clientReason, String serverReason,
            java.util.function.Consumer<Socket> action) throws Exception {
        Socket socket = JavaClients.connect(socket("/rooms", transport, null));
        if (transport == ClientTransport.DEFAULT) {
            // act once upgraded, so the outcome does not depend on how far the upgrade went
            awaitCondition(() -> "websocket".equals(JavaClients.transportName(socket)), "upgraded to websocket");
        }
        String id = socket.id();
        CompletableFuture<Object[]> disconnected = once(socket, Socket.EVENT_DISCONNECT);
        action.accept(socket);

        assertEquals(clientReason, await(disconnected, "disconnect")[0], "client-side reason");
        assertEquals(serverReason, reasons.of(id).get(5, TimeUnit.SECONDS).wireName(), "server-side reason");
    }

    private Socket socket(String namespace, ClientTransport transport, Map<String, String> auth) {
        Socket socket = JavaClients.socket(base, namespace, transport, auth);
        sockets.add(socket);
        return socket;
    }

    private static JSONObject request(Object room, String except, String event, int n) throws Exception {
        JSONObject request = new JSONObject().put("room", room).put("event", event)
                .put("payload", new JSONObject().put("n", n));
        if (except != null) {
            request.put("except", except);
        }
        return request;
    }

    /** The same arguments as {@link Expected#MIXED_ARGS}. */
    private static Object[] mixedArgs() throws Exception {
        return new Object[] {
                1,
                "two",
                new JSONObject()
                        .put("a", new JSONArray().put(1).put(new JSONObject().put("b", JSONObject.NULL)))
                        .put("t", true)
                        .put("s", "\u00e9 \u2713"),
                new byte[] { 1, 2, 3 },
                new JSONObject()
                        .put("nested", new byte[] { (byte) 255, 0, (byte) 128 })
                        .put("list", new JSONArray().put(new byte[] { 4 }).put("x")),
                -1.5,
                JSONObject.NULL,
        };
    }
}
