package io.quarkiverse.socketio.it.declarative;

import static io.quarkiverse.socketio.it.support.JavaClients.await;
import static io.quarkiverse.socketio.it.support.JavaClients.awaitCondition;
import static io.quarkiverse.socketio.it.support.JavaClients.emitWithAck;
import static io.quarkiverse.socketio.it.support.JavaClients.normalize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.it.support.JavaClients;
import io.quarkiverse.socketio.it.support.JavaClients.ClientTransport;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.socket.client.Ack;
import io.socket.client.Socket;

/**
 * {@link RequestScopeFixture} with the official Java client: a request context is active in every handler kind (the
 * request-scoped bean would fail otherwise), each call has its own instance, the continuations of a returned
 * {@code Uni} (a delay on another thread, the client's acknowledgement of {@code emitWithAck}) see the call's instance,
 * and each instance is destroyed once its call is done, after the {@code Uni} completed.
 */
@QuarkusTest
class RequestContextTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    ProbeLog log;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ClientTransport.class, names = { "WEBSOCKET", "POLLING" })
    void everyHandlerCallHasItsOwnRequestContext(ClientTransport transport) throws Exception {
        log.clear();
        Socket socket = JavaClients.socket(base, RequestScopeFixture.NAME, transport, null);
        socket.on("question", args -> {
            Ack ack = (Ack) args[args.length - 1];
            CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS).execute(() -> ack.call("answer"));
        });
        try {
            JavaClients.connect(socket);
            int blocking = ack(socket, "blocking").get(0).asInt();
            int virtual = ack(socket, "virtual").get(0).asInt();
            JsonNode uni = ack(socket, "uni").get(0);
            assertEquals(uni.get(0), uni.get(1), "the continuation of the Uni used the call's instance: " + uni);
            JsonNode asked = ack(socket, "ask-client").get(0);
            assertEquals(asked.get(0), asked.get(1), "the ack callback used the call's instance: " + asked);
            assertEquals("answer", asked.get(2).asText());
            int error = ack(socket, "fail").get(0).path("error").asInt();
            assertNotEquals(0, error);
            assertNotEquals(blocking, virtual);
        } finally {
            socket.disconnect();
        }
        awaitCondition(() -> idOf(log.entries(), "disconnect") != null
                && log.entries().contains("destroy " + idOf(log.entries(), "disconnect")), "disconnected");

        List<String> entries = log.entries();
        List<String> calls = List.of("middleware", "connect", "any-blocking", "blocking", "any-virtual", "virtual",
                "any-uni", "uni", "any-ask-client", "ask-client", "any-fail", "fail", "error", "disconnect");
        Map<String, Integer> ids = new HashMap<>();
        for (String call : calls) {
            Integer id = idOf(entries, call);
            assertTrue(id != null, call + " used the request-scoped bean: " + entries);
            ids.put(call, id);
        }
        Set<Integer> distinct = new HashSet<>(ids.values());
        assertEquals(calls.size(), distinct.size(), "one instance per call: " + ids);
        assertEquals(ids.get("uni"), idOf(entries, "uni-continuation"));
        assertEquals(ids.get("ask-client"), idOf(entries, "ack-callback"));
        for (Map.Entry<String, Integer> call : ids.entrySet()) {
            int destroyed = entries.indexOf("destroy " + call.getValue());
            assertTrue(destroyed >= 0, "the instance of " + call.getKey() + " was destroyed: " + entries);
            assertEquals(destroyed, entries.lastIndexOf("destroy " + call.getValue()), "destroyed once");
            int lastUse = -1;
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).startsWith("use ") && entries.get(i).endsWith(" " + call.getValue())) {
                    lastUse = i;
                }
            }
            assertTrue(lastUse < destroyed, call.getKey() + "'s instance destroyed after its last use: " + entries);
        }
    }

    private static JsonNode ack(Socket socket, String event) throws Exception {
        return normalize(await(emitWithAck(socket, event), "ack of " + event));
    }

    /** The id of the instance that the call used, from its "use <call> <id>" entry; null when none. */
    private static Integer idOf(List<String> entries, String call) {
        for (String entry : entries) {
            if (entry.startsWith("use " + call + " ")) {
                return Integer.valueOf(entry.substring(("use " + call + " ").length()));
            }
        }
        return null;
    }
}
