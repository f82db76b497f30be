package io.quarkiverse.socketio.it.declarative;

import static io.quarkiverse.socketio.it.support.JavaClients.await;
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
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.it.support.JavaClients;
import io.quarkiverse.socketio.it.support.JavaClients.ClientTransport;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.socket.client.Socket;

/**
 * The declarative model ({@link DeclarativeFixture}, {@link DynamicFixture}) with the official Java client: every
 * parameter kind, the acknowledgement by return value, {@code Uni}, {@code CompletionStage} and {@code SocketIOAck},
 * the threads handlers run on, error handlers, and the order of one socket's events.
 */
@QuarkusTest
class DeclarativeJavaClientTest {

    /** How long to wait for an acknowledgement that must not come. */
    private static final long NO_ACK_MS = 300;

    @TestHTTPResource("/")
    URI base;

    @Inject
    DeclarativeFixture fixture;

    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeClients() {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void middlewareThenOnConnectWithTheHandshake(ClientTransport transport) throws Exception {
        Socket socket = socket(DeclarativeFixture.NAME, transport, Map.of("token", "ok", "user", "ann"));
        CompletableFuture<Object[]> welcome = once(socket, "welcome");
        JavaClients.connect(socket);

        JsonNode args = normalize(await(welcome, "welcome"));
        assertEquals(json("{\"token\":\"ok\",\"user\":\"ann\"}"), args.get(0));
        assertEquals(socket.id(), args.get(1).asText(), "the SocketIOSocket is the client's socket");
        assertWorker(args.get(2).asText(), "@OnConnect with a blocking signature");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void middlewareRejectsWithItsMessageAndData(ClientTransport transport) throws Exception {
        Socket socket = socket(DeclarativeFixture.NAME, transport, Map.of("token", "wrong"));
        CompletableFuture<Object[]> error = once(socket, Socket.EVENT_CONNECT_ERROR);
        socket.connect();

        JsonNode rejection = normalize(await(error, "connect_error")).get(0);
        assertEquals(DeclarativeFixture.REJECTION, rejection.path("message").asText(), rejection.toString());
        assertEquals(403, rejection.path("data").path("code").asInt(), rejection.toString());
        assertWorker(rejection.path("data").path("thread").asText(), "@Middleware with a blocking signature");
        assertFalse(socket.connected());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void bindsEveryParameterKind(ClientTransport transport) throws Exception {
        Socket socket = connect(transport);

        assertEquals(json("[{\"name\":\"pen!\",\"qty\":3}]"),
                ack(socket, "record", new JSONObject().put("name", "pen").put("qty", 2)), "record");
        assertEquals(json("[{\"title\":\"HELLO\",\"tags\":[\"a\",\"b\"],\"item\":{\"name\":\"x\",\"qty\":1}}]"),
                ack(socket, "pojo", new JSONObject().put("title", "hello").put("tags", new JSONArray().put("a").put("b"))
                        .put("item", new JSONObject().put("name", "x").put("qty", 1))),
                "POJO");
        assertEquals(json("[{\"itemClass\":\"Item\",\"total\":5,\"groupClass\":\"Item\",\"groups\":[\"g1\"],"
                + "\"orderItemClass\":\"Item\",\"order\":{\"orderId\":\"o1\",\"lines\":2,\"names\":[\"a\",\"b\"]}}]"),
                ack(socket, "generic",
                        new JSONArray().put(item("a", 2)).put(item("b", 3)),
                        new JSONObject().put("g1", new JSONArray().put(item("c", 1))),
                        new JSONObject().put("id", "o1").put("items", new JSONArray().put(item("a", 1)).put(item("b", 1)))
                                .put("quantities", new JSONObject().put("a", 1))),
                "generic collections of records");
        assertEquals(json("[[[1,\"two\"],\"v\",3,\"ARRAY\"]]"),
                ack(socket, "node", new JSONArray().put(1).put("two"), new JSONObject().put("k", "v"),
                        new JSONArray().put(1).put(2).put(3)),
                "JsonNode, ObjectNode, ArrayNode");
        assertEquals(json("[[7,8000000000,1.5,true,42,\"text\",\"c\",null,0]]"),
                ack(socket, "primitives", 7, 8_000_000_000L, 1.5, true, 42, "text", "c"),
                "primitives, boxes, String, char; missing arguments are null or the primitive's default");
        assertEquals(json("[{\"$binary\":\"AQIDBAU=\"}]"),
                ack(socket, "binary", new byte[] { 1, 2, 3 }, new byte[] { 4, 5 }), "byte[] and Buffer");
        assertEquals(json("[\"a|2|c|several|true|true\"]"),
                ack(socket, "several", "a", 2, item("c", 0)),
                "several arguments in order, between SocketIOSocket, Handshake and SocketIOEvent parameters");
        assertEquals(json("[\"raw\",2,true]"), ack(socket, "raw", "x", "y"), "SocketIOEvent, acknowledged by the handler");
        assertEquals(json("[\"LATER\",true]"), ack(socket, "later", "later"), "SocketIOAck, sent from another thread");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void acknowledgesWithTheReturnValue(ClientTransport transport) throws Exception {
        Socket socket = connect(transport);

        assertEquals(json("[]"), ack(socket, "void"), "void");
        assertEquals(json("[null]"), ack(socket, "null"), "a null value");
        assertEquals(json("[{\"orderId\":\"o2\",\"lines\":1,\"names\":[]}]"),
                ack(socket, "uni", new JSONObject().put("id", "o2").put("items", new JSONArray().put(item("a", 1)))),
                "Uni<Receipt>");
        assertEquals(json("[]"), ack(socket, "uni-void"), "Uni<Void>");
        assertEquals(json("[{\"name\":\"cup\",\"qty\":8}]"), ack(socket, "cs", item("cup", 4)), "CompletionStage<Item>");
    }

    @Test
    void runsHandlersOnTheThreadTheirSignatureAsks() throws Exception {
        Socket socket = connect(ClientTransport.WEBSOCKET);

        assertWorker(threadOf(socket, "thread-default"), "a blocking signature");
        assertEventLoop(threadOf(socket, "thread-non-blocking"), "@NonBlocking");
        assertEventLoop(threadOf(socket, "thread-uni"), "a Uni");
        assertWorker(threadOf(socket, "thread-blocking-uni"), "@Blocking with a Uni");
        assertEventLoop(threadOf(socket, "thread-completion-stage"), "a CompletionStage");

        JsonNode virtual = ack(socket, "thread-virtual").get(0);
        if (Runtime.version().feature() >= 21) {
            assertTrue(virtual.get(1).asBoolean(), "@RunOnVirtualThread on a virtual thread: " + virtual);
        } else {
            // Java 17 has no virtual threads: Quarkus falls back to a worker thread
            assertFalse(virtual.get(1).asBoolean(), virtual.toString());
            assertWorker(virtual.get(0).asText(), "@RunOnVirtualThread on Java " + Runtime.version().feature());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void failuresGoToTheMostSpecificErrorHandler(ClientTransport transport) throws Exception {
        Socket socket = connect(transport);

        JsonNode argument = ack(socket, "fail", "argument").get(0);
        assertEquals("illegal-argument", argument.path("handler").asText(), argument.toString());
        assertEquals("bad argument", argument.path("message").asText());
        assertEquals(socket.id(), argument.path("socket").asText());
        assertEquals(json("[{\"handler\":\"runtime\",\"message\":\"bad state\"}]"), ack(socket, "fail", "state"),
                "IllegalStateException: the RuntimeException handler is closer than the Throwable one");
        assertEquals("illegal-argument", ack(socket, "fail-uni").get(0).path("handler").asText(), "a failed Uni");
        assertEquals(json("[{\"handler\":\"runtime\",\"message\":\"bad stage\"}]"),
                ack(socket, "fail-completion-stage"), "a failed CompletionStage");
        assertNoAck(socket, "fail", "checked"); // the Throwable handler returns void: no acknowledgement
        assertEquals(json("[\"no failure\"]"), ack(socket, "fail", "none"), "the socket goes on");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void argumentsThatCannotBeBoundGoToOnError(ClientTransport transport) throws Exception {
        Socket socket = connect(transport);

        assertBadInputAnswer(ack(socket, "record", "not an item"), "io.quarkiverse.socketio.it.declarative.Item");
        assertBadInputAnswer(ack(socket, "primitives", "not a number"), "int");
        assertBadInputAnswer(ack(socket, "binary", "not binary", new byte[] { 1 }), "[B");
        assertEquals(json("[{\"name\":\"ok!\",\"qty\":1}]"), ack(socket, "record", item("ok", 0)), "the socket goes on");
    }

    /** The answer of the RuntimeException error handler to an argument that cannot be bound. */
    private static void assertBadInputAnswer(JsonNode ack, String type) {
        assertEquals("runtime", ack.get(0).path("handler").asText(), ack.toString());
        assertTrue(ack.get(0).path("message").asText().startsWith("argument 0 (STRING) cannot be read as " + type),
                ack.toString());
    }

    @Test
    void catchAllSeesEveryEventAndDisconnectGetsTheReason() throws Exception {
        Socket socket = connect(ClientTransport.WEBSOCKET);
        String id = socket.id();
        ack(socket, "void");
        socket.emit("unknown-event", 1);
        ack(socket, "null");

        assertEquals(List.of("void", "unknown-event", "null"), fixture.anyEvents(id));
        socket.disconnect();
        assertEquals(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT, fixture.disconnectOf(id).get(5, TimeUnit.SECONDS));
    }

    /**
     * 1000 events emitted at once to a handler on worker threads, then to a handler whose {@code Uni} completes later
     * (some after a delay): each handler records the numbers when it completes them. The next event's handler starts
     * only once the previous one is done, so the numbers come in order and no two handlers of the socket overlap.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void eventsOfOneSocketAreHandledOneAfterAnotherInOrder(ClientTransport transport) throws Exception {
        Socket socket = connect(transport);
        for (String kind : List.of("blocking", "uni")) {
            for (int n = 0; n < 1000; n++) {
                socket.emit("seq-" + kind, n);
            }
            JsonNode result = ack(socket, "seq-result", kind).get(0);
            assertInOrder(result, kind);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientTransport.class)
    void dynamicNamespacesWithAnAsyncMiddlewareAndNoErrorHandler(ClientTransport transport) throws Exception {
        Socket socket = socket("/declarative-42", transport, null);
        CompletableFuture<Object[]> welcome = once(socket, "welcome");
        JavaClients.connect(socket);
        assertEquals(json("[\"/declarative-42\"]"), normalize(await(welcome, "welcome")));
        assertEquals(json("[\"hi\"]"), ack(socket, "echo", "hi"));
        assertNoAck(socket, "fail");
        assertNoAck(socket, "echo", new JSONObject().put("not", "a string")); // bad input, no @OnError: dropped
        assertEquals(json("[\"still here\"]"), ack(socket, "echo", "still here"));

        Socket rejected = socket("/declarative-7", transport, Map.of("reject", "true"));
        CompletableFuture<Object[]> error = once(rejected, Socket.EVENT_CONNECT_ERROR);
        rejected.connect();
        assertEquals(json("{\"message\":\"" + DynamicFixture.REJECTION + "\",\"data\":{\"namespace\":\"/declarative-7\"}}"),
                normalize(await(error, "connect_error")).get(0));

        Socket unknown = socket("/declarative-x", transport, null);
        CompletableFuture<Object[]> invalid = once(unknown, Socket.EVENT_CONNECT_ERROR);
        unknown.connect();
        assertEquals("Invalid namespace", normalize(await(invalid, "connect_error")).get(0).path("message").asText());
    }

    // ---- helpers ----

    /** The numbers 0 to 999 in order, reporting the first one out of place. */
    static void assertInOrder(JsonNode result, String kind) {
        List<Integer> sequence = new ArrayList<>();
        result.path("sequence").forEach(n -> sequence.add(n.asInt()));
        int firstWrong = IntStream.range(0, sequence.size()).filter(i -> sequence.get(i) != i).findFirst().orElse(-1);
        assertEquals(-1, firstWrong, () -> kind + " handler: out of order from index " + firstWrong + ": "
                + sequence.subList(firstWrong, Math.min(sequence.size(), firstWrong + 10)));
        assertEquals(1000, sequence.size(), kind + " handler: events handled");
        assertEquals(0, result.path("overlaps").asInt(), kind + " handlers of one socket ran at the same time");
    }

    private Socket connect(ClientTransport transport) throws Exception {
        return JavaClients.connect(socket(DeclarativeFixture.NAME, transport, null));
    }

    private Socket socket(String namespace, ClientTransport transport, Map<String, String> auth) {
        Socket socket = JavaClients.socket(base, namespace, transport, auth);
        sockets.add(socket);
        return socket;
    }

    private static JsonNode ack(Socket socket, String event, Object... args) throws Exception {
        return normalize(await(emitWithAck(socket, event, args), "ack of " + event));
    }

    private static void assertNoAck(Socket socket, String event, Object... args) throws Exception {
        CompletableFuture<Object[]> ack = emitWithAck(socket, event, args);
        try {
            Object[] answer = ack.get(NO_ACK_MS, TimeUnit.MILLISECONDS);
            throw new AssertionError(event + " was acknowledged: " + normalize(answer));
        } catch (TimeoutException expected) {
            // no acknowledgement
        }
    }

    private static String threadOf(Socket socket, String event) throws Exception {
        return ack(socket, event).get(0).get(0).asText();
    }

    private static void assertWorker(String thread, String what) {
        assertTrue(thread.startsWith("executor-thread-") || thread.startsWith("vert.x-worker-thread-"),
                what + " runs on a worker thread, not " + thread);
    }

    private static void assertEventLoop(String thread, String what) {
        assertTrue(thread.startsWith("vert.x-eventloop-thread-"), what + " runs on the event loop, not " + thread);
    }

    private static JSONObject item(String name, int qty) throws Exception {
        return new JSONObject().put("name", name).put("qty", qty);
    }
}
