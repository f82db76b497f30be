package io.quarkiverse.socketio.it.declarative;

import static io.quarkiverse.socketio.it.support.JavaClients.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.it.support.NodeScenarios;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The declarative model ({@link DeclarativeFixture}, {@link DynamicFixture}) with the official JavaScript client
 * (scenarios {@code declarative} and {@code declarative-order} of {@code src/test/js}), over polling only, WebSocket
 * only and the default polling-then-upgrade.
 */
@QuarkusTest
class DeclarativeJsClientTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    DeclarativeFixture fixture;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void everyParameterReturnValueThreadAndError(String mode) throws Exception {
        JsonNode result = NodeScenarios.run(base, "declarative", mode);
        String id = result.path("id").asText();

        JsonNode welcome = result.get("welcome");
        assertEquals(json("{\"token\":\"ok\"}"), welcome.get(0), "@OnConnect got the handshake");
        assertEquals(id, welcome.get(1).asText(), "@OnConnect got the socket");
        assertWorker(welcome.get(2).asText(), "@OnConnect");

        JsonNode params = result.get("params");
        assertEquals(json("[{\"name\":\"pen!\",\"qty\":3}]"), params.get("record"), "record");
        assertEquals(json("[{\"title\":\"HELLO\",\"tags\":[\"a\",\"b\"],\"item\":{\"name\":\"x\",\"qty\":1}}]"),
                params.get("pojo"), "POJO");
        assertEquals(json("[{\"itemClass\":\"Item\",\"total\":5,\"groupClass\":\"Item\",\"groups\":[\"g1\"],"
                + "\"orderItemClass\":\"Item\",\"order\":{\"orderId\":\"o1\",\"lines\":2,\"names\":[\"a\",\"b\"]}}]"),
                params.get("generic"), "generic collections of records");
        assertEquals(json("[[[1,\"two\"],\"v\",3,\"ARRAY\"]]"), params.get("node"), "JsonNode, ObjectNode, ArrayNode");
        assertEquals(json("[[7,8000000000,1.5,true,42,\"text\",\"c\",null,0]]"), params.get("primitives"),
                "primitives, boxes, String, char, missing arguments");
        assertEquals(json("[{\"$binary\":\"AQIDBAU=\"}]"), params.get("binary"), "byte[] and Buffer");
        assertEquals(json("[\"a|2|c|several|true|true\"]"), params.get("several"), "several arguments in order");
        assertEquals(json("[\"raw\",2,true]"), params.get("raw"), "SocketIOEvent");
        assertEquals(json("[\"LATER\",true]"), params.get("later"), "SocketIOAck");

        JsonNode returns = result.get("returns");
        assertEquals(json("[]"), returns.get("void"), "void");
        assertEquals(json("[null]"), returns.get("null"), "null");
        assertEquals(json("[{\"orderId\":\"o2\",\"lines\":1,\"names\":[]}]"), returns.get("uni"), "Uni<Receipt>");
        assertEquals(json("[]"), returns.get("uniVoid"), "Uni<Void>");
        assertEquals(json("[{\"name\":\"cup\",\"qty\":8}]"), returns.get("completionStage"), "CompletionStage<Item>");

        JsonNode threads = result.get("threads");
        assertWorker(threads.get("default").get(0).asText(), "a blocking signature");
        assertEventLoop(threads.get("non-blocking").get(0).asText(), "@NonBlocking");
        assertEventLoop(threads.get("uni").get(0).asText(), "a Uni");
        assertWorker(threads.get("blocking-uni").get(0).asText(), "@Blocking with a Uni");
        assertEventLoop(threads.get("completion-stage").get(0).asText(), "a CompletionStage");
        JsonNode virtual = threads.get("virtual");
        if (Runtime.version().feature() >= 21) {
            assertTrue(virtual.get(1).asBoolean(), "@RunOnVirtualThread on a virtual thread: " + virtual);
        } else {
            assertFalse(virtual.get(1).asBoolean(), virtual.toString());
            assertWorker(virtual.get(0).asText(), "@RunOnVirtualThread without virtual threads (Java 17)");
        }

        JsonNode errors = result.get("errors");
        assertEquals("illegal-argument", errors.get("argument").get(0).path("handler").asText(), errors.toString());
        assertEquals(json("[{\"handler\":\"runtime\",\"message\":\"bad state\"}]"), errors.get("state"));
        assertEquals("bad uni", errors.get("uni").get(0).path("message").asText(), errors.toString());
        assertEquals(json("[{\"handler\":\"runtime\",\"message\":\"bad stage\"}]"), errors.get("completionStage"));
        assertEquals("no ack", errors.get("checked").asText(), "a void @OnError sends no ack");
        assertEquals(json("[\"no failure\"]"), errors.get("none"));

        JsonNode badInput = result.get("badInput");
        // an argument that cannot be bound goes to @OnError (here the RuntimeException one), which acknowledges
        for (String event : java.util.List.of("record", "primitives", "binary")) {
            JsonNode answer = badInput.get(event).get(0);
            assertEquals("runtime", answer.path("handler").asText(), event + ": " + answer);
            assertTrue(answer.path("message").asText().startsWith("argument 0 (STRING) cannot be read as "),
                    event + ": " + answer);
        }
        assertEquals(json("[{\"name\":\"ok!\",\"qty\":1}]"), badInput.get("after"));

        JsonNode rejected = result.get("rejected");
        assertEquals(DeclarativeFixture.REJECTION, rejected.path("message").asText(), rejected.toString());
        assertEquals(403, rejected.path("data").path("code").asInt(), rejected.toString());

        JsonNode dynamic = result.get("dynamic");
        assertEquals(json("[\"/declarative-5\"]"), dynamic.get("welcome"));
        assertEquals(json("[\"hi\"]"), dynamic.get("echo"));
        assertEquals("no ack", dynamic.get("fail").asText(), "no @OnError: no ack");
        assertEquals("no ack", dynamic.get("badInput").asText(), "no @OnError: bad input drops the event");
        assertEquals(json("[\"still here\"]"), dynamic.get("after"));
        assertEquals(json("{\"message\":\"" + DynamicFixture.REJECTION + "\",\"data\":{\"namespace\":\"/declarative-6\"}}"),
                dynamic.get("rejected"));

        assertTrue(fixture.anyEvents(id).containsAll(java.util.List.of("record", "pojo", "thread-virtual", "fail")),
                "@OnAnyEvent saw the events: " + fixture.anyEvents(id));
        assertEquals(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT, fixture.disconnectOf(id).get(5, TimeUnit.SECONDS),
                "@OnDisconnect got the reason");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void eventsOfOneSocketAreHandledOneAfterAnotherInOrder(String mode) throws Exception {
        JsonNode result = NodeScenarios.run(base, "declarative-order", mode);
        DeclarativeJavaClientTest.assertInOrder(result.get("blocking"), "blocking");
        DeclarativeJavaClientTest.assertInOrder(result.get("uni"), "uni");
    }

    private static void assertWorker(String thread, String what) {
        assertTrue(thread.startsWith("executor-thread-") || thread.startsWith("vert.x-worker-thread-"),
                what + " runs on a worker thread, not " + thread);
    }

    private static void assertEventLoop(String thread, String what) {
        assertTrue(thread.startsWith("vert.x-eventloop-thread-"), what + " runs on the event loop, not " + thread);
    }
}
