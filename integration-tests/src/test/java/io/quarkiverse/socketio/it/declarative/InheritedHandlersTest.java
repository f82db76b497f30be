package io.quarkiverse.socketio.it.declarative;

import static io.quarkiverse.socketio.it.support.JavaClients.await;
import static io.quarkiverse.socketio.it.support.JavaClients.emitWithAck;
import static io.quarkiverse.socketio.it.support.JavaClients.json;
import static io.quarkiverse.socketio.it.support.JavaClients.normalize;
import static io.quarkiverse.socketio.it.support.JavaClients.once;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.it.support.JavaClients;
import io.quarkiverse.socketio.it.support.JavaClients.ClientTransport;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.socket.client.Socket;

/**
 * {@link InheritedFixture}, with the official Java client: handlers declared on an abstract superclass in another
 * package and on an interface's default method are found; an overridden handler runs the bean's method, once; an
 * inherited {@code @OnError} handles the failures of the bean's handlers.
 */
@QuarkusTest
class InheritedHandlersTest {

    @TestHTTPResource("/")
    URI base;

    private Socket socket;

    @AfterEach
    void close() {
        if (socket != null) {
            socket.close();
        }
    }

    @Test
    void inheritedHandlersAreTheBeans() throws Exception {
        socket = JavaClients.socket(base, InheritedFixture.NAME, ClientTransport.WEBSOCKET, null);
        CompletableFuture<Object[]> welcome = once(socket, "welcome");
        JavaClients.connect(socket);
        assertEquals(json("[\"from AbstractRoom\",\"/inherited\"]"), normalize(await(welcome, "welcome")),
                "the inherited @OnConnect (package-private, in another package) ran");

        assertEquals(json("[\"base:a\"]"), ack("base", "a"), "a protected inherited @OnEvent");
        assertEquals(json("[\"hello ann from InheritedFixture\"]"), ack("greet", "ann"), "an interface's default method");
        assertEquals(json("[\"bean-overridden:b\"]"), ack("overridden", "b"),
                "an override without the annotation keeps the inherited event, and runs the bean's method");
        assertEquals(json("[\"bean-renamed\"]"), ack("renamed"), "an annotated override counts, for its own event");
        assertNoAck("renamed-in-base");
        JsonNode implemented = ack("abstract", 7);
        assertTrue(implemented.get(0).asText().startsWith("implemented:7:vert.x-eventloop-thread-"),
                "an abstract inherited handler runs the bean's implementation, as the inherited @NonBlocking says: "
                        + implemented);
        assertEquals(json("[{\"handledBy\":\"AbstractRoom\",\"message\":\"inherited failure\"}]"), ack("fail-inherited"),
                "an inherited @OnError");
    }

    private JsonNode ack(String event, Object... args) throws Exception {
        return normalize(await(emitWithAck(socket, event, args), "ack of " + event));
    }

    private void assertNoAck(String event) throws Exception {
        try {
            Object[] answer = emitWithAck(socket, event).get(300, TimeUnit.MILLISECONDS);
            throw new AssertionError(event + " was acknowledged: " + normalize(answer));
        } catch (TimeoutException expected) {
            // no handler for it
        }
    }
}
