package io.quarkiverse.socketio.it.declarative;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.Middleware;
import io.quarkiverse.socketio.OnAnyEvent;
import io.quarkiverse.socketio.OnConnect;
import io.quarkiverse.socketio.OnDisconnect;
import io.quarkiverse.socketio.OnError;
import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIOSocket;
import io.smallrye.mutiny.Uni;

/**
 * Test namespace {@value #NAME}: one failure of each kind, all handled by one {@code @OnError}, which records the
 * failure with its socket and event, and answers it as the acknowledgement of a failed event. The client chooses with
 * its auth which of the connection's handlers fails.
 */
@SocketIO(namespace = ErrorsFixture.NAME)
public class ErrorsFixture {

    public static final String NAME = "/errors";

    /** What the error handler saw: socket id (null before the socket joined), event name or null, failure. */
    public record Seen(String socket, String event, String failure, String message) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    @Middleware
    void middleware(Handshake handshake) {
        if (handshake.auth().path("fail").asText().equals("middleware")) {
            throw new IllegalStateException("middleware failed");
        }
    }

    @OnConnect
    void connect(Handshake handshake) {
        if (handshake.auth().path("fail").asText().equals("connect")) {
            throw new IllegalStateException("connect failed");
        }
    }

    @OnAnyEvent
    void any(SocketIOEvent event) {
        if (event.name().equals("any-fails")) {
            throw new IllegalStateException("catch-all failed");
        }
    }

    @OnEvent("throw")
    String fail() {
        throw new IllegalStateException("thrown");
    }

    @OnEvent("failed-uni")
    Uni<String> failedUni() {
        return Uni.createFrom().failure(new IllegalStateException("uni failed"));
    }

    @OnEvent("failed-stage")
    CompletionStage<String> failedStage() {
        return CompletableFuture.failedFuture(new IllegalStateException("stage failed"));
    }

    @OnEvent("typed")
    int typed(int number) {
        return number;
    }

    /** The client's acknowledgement arrives, and the callback fails. */
    @OnEvent("ack-callback")
    Uni<String> ackCallback(SocketIOSocket socket) {
        return socket.emitWithAck("question").map(answer -> {
            throw new IllegalStateException("callback failed on " + answer.get(0).asText());
        });
    }

    /** The client never acknowledges. */
    @OnEvent("ack-timeout")
    Uni<String> ackTimeout(SocketIOSocket socket) {
        return socket.emitWithAck(Duration.ofMillis(100), "silence").map(answer -> "unexpected");
    }

    @OnEvent("any-fails")
    String anyFails() {
        return "event handled";
    }

    @OnDisconnect
    void disconnect(SocketIOSocket socket) {
        if (socket.handshake().auth().path("fail").asText().equals("disconnect")) {
            throw new IllegalStateException("disconnect failed");
        }
    }

    @OnError
    Map<String, String> failed(Throwable failure, SocketIOSocket socket, SocketIOEvent event) {
        Seen one = new Seen(socket.id(), event == null ? null : event.name(), failure.getClass().getSimpleName(),
                failure.getMessage());
        seen.add(one);
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("event", one.event());
        answer.put("failure", one.failure());
        answer.put("message", one.message());
        return answer;
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    public void clear() {
        seen.clear();
    }
}
