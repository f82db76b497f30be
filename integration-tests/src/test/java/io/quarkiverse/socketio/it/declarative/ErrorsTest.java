package io.quarkiverse.socketio.it.declarative;

import static io.quarkiverse.socketio.it.support.JavaClients.await;
import static io.quarkiverse.socketio.it.support.JavaClients.awaitCondition;
import static io.quarkiverse.socketio.it.support.JavaClients.emitWithAck;
import static io.quarkiverse.socketio.it.support.JavaClients.json;
import static io.quarkiverse.socketio.it.support.JavaClients.normalize;
import static io.quarkiverse.socketio.it.support.JavaClients.once;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.it.declarative.ErrorsFixture.Seen;
import io.quarkiverse.socketio.it.support.JavaClients;
import io.quarkiverse.socketio.it.support.JavaClients.ClientTransport;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.socket.client.Ack;
import io.socket.client.Socket;

/**
 * {@link ErrorsFixture} with the official Java client: every failure path reaches the namespace's {@code @OnError},
 * with the socket and, for an event, the event's name; a failed event is acknowledged with what the error handler
 * returns; a failed middleware still refuses the connection with the failure's message.
 */
@QuarkusTest
class ErrorsTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    ErrorsFixture fixture;

    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void clear() {
        fixture.clear();
    }

    @AfterEach
    void close() {
        sockets.forEach(Socket::close);
    }

    @Test
    void failuresOfEventHandlersAndTheirContinuations() throws Exception {
        Socket socket = connect(null);
        socket.on("question", args -> ((Ack) args[args.length - 1]).call("answer"));
        assertAnswer(socket, "throw", "IllegalStateException", "thrown");
        assertAnswer(socket, "failed-uni", "IllegalStateException", "uni failed");
        assertAnswer(socket, "failed-stage", "IllegalStateException", "stage failed");
        assertAnswer(socket, "ack-callback", "IllegalStateException", "callback failed on answer");
        assertAnswer(socket, "ack-timeout", "AckTimeoutException", "The client did not acknowledge silence within PT0.1S");
        // the catch-all's failure is handled, and does not stop the event's own handler, which acknowledges
        assertEquals(json("[\"event handled\"]"), normalize(await(emitWithAck(socket, "any-fails"), "any-fails")));
        List<Seen> seen = fixture.seen();
        assertEquals(new Seen(socket.id(), "any-fails", "IllegalStateException", "catch-all failed"),
                seen.get(seen.size() - 1));
        assertEquals(json("[3]"), normalize(await(emitWithAck(socket, "typed", 3), "typed")), "the socket goes on");
    }

    @Test
    void anArgumentThatCannotBeBoundReachesOnError() throws Exception {
        Socket socket = connect(null);
        JsonNode answer = normalize(await(emitWithAck(socket, "typed", "not a number"), "ack of typed")).get(0);
        assertEquals("typed", answer.path("event").asText());
        assertEquals("InvalidEventArgumentException", answer.path("failure").asText());
        assertTrue(answer.path("message").asText().startsWith("argument 0 (STRING) cannot be read as int"),
                answer.toString());
        assertEquals(socket.id(), fixture.seen().get(0).socket());
    }

    @Test
    void aFailedConnectOrDisconnectHandler() throws Exception {
        Socket socket = connect(Map.of("fail", "connect"));
        String id = socket.id();
        awaitCondition(() -> !fixture.seen().isEmpty(), "the failure of @OnConnect handled");
        assertEquals(List.of(new Seen(id, null, "IllegalStateException", "connect failed")), fixture.seen());
        assertEquals(json("[3]"), normalize(await(emitWithAck(socket, "typed", 3), "typed")), "still connected");

        fixture.clear();
        Socket leaving = connect(Map.of("fail", "disconnect"));
        String leavingId = leaving.id();
        leaving.disconnect();
        awaitCondition(() -> !fixture.seen().isEmpty(), "the failure of @OnDisconnect handled");
        assertEquals(List.of(new Seen(leavingId, null, "IllegalStateException", "disconnect failed")), fixture.seen());
    }

    @Test
    void aFailedMiddlewareRefusesTheConnectionAndReachesOnError() throws Exception {
        Socket socket = socket(Map.of("fail", "middleware"));
        CompletableFuture<Object[]> error = once(socket, Socket.EVENT_CONNECT_ERROR);
        socket.connect();
        assertEquals(json("{\"message\":\"middleware failed\"}"), normalize(await(error, "connect_error")).get(0));
        awaitCondition(() -> !fixture.seen().isEmpty(), "the failure of @Middleware handled");
        Seen seen = fixture.seen().get(0);
        assertEquals(new Seen(seen.socket(), null, "IllegalStateException", "middleware failed"), seen);
        assertTrue(seen.socket() != null && !seen.socket().isEmpty(), "the middleware's socket: " + seen);
    }

    private void assertAnswer(Socket socket, String event, String failure, String message) throws Exception {
        JsonNode answer = normalize(await(emitWithAck(socket, event), "ack of " + event)).get(0);
        assertEquals(json("{\"event\":\"" + event + "\",\"failure\":\"" + failure + "\",\"message\":\"" + message
                + "\"}"), answer, event);
        assertTrue(fixture.seen().contains(new Seen(socket.id(), event, failure, message)), () -> event + ": "
                + fixture.seen());
    }

    private Socket connect(Map<String, String> auth) throws Exception {
        return JavaClients.connect(socket(auth));
    }

    private Socket socket(Map<String, String> auth) {
        Socket socket = JavaClients.socket(base, ErrorsFixture.NAME, ClientTransport.WEBSOCKET, auth);
        sockets.add(socket);
        return socket;
    }
}
