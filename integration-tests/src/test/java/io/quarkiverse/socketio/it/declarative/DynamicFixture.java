package io.quarkiverse.socketio.it.declarative;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkiverse.socketio.ConnectionRejectedException;
import io.quarkiverse.socketio.Middleware;
import io.quarkiverse.socketio.OnConnect;
import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkiverse.socketio.SocketIOSocket;
import io.smallrye.mutiny.Uni;

/**
 * Test namespaces {@code /declarative-<digits>}: a bean for dynamic namespaces, with an asynchronous middleware and no
 * {@code @OnError} (a failing handler is logged, and its event is not acknowledged). {@code @ApplicationScoped}: its
 * package-private handlers are called through the bean's client proxy.
 */
@ApplicationScoped
@SocketIO(namespacePattern = DynamicFixture.PATTERN)
public class DynamicFixture {

    public static final String PATTERN = "/declarative-\\d+";
    public static final String REJECTION = "dynamic: rejected";

    @Middleware
    Uni<Void> check(SocketIOSocket socket) {
        if (socket.handshake().auth().path("reject").asBoolean()) {
            return Uni.createFrom().failure(new ConnectionRejectedException(REJECTION, Map.of("namespace",
                    socket.namespace().name())));
        }
        return Uni.createFrom().voidItem();
    }

    @OnConnect
    void joined(SocketIOSocket socket) {
        socket.emit("welcome", socket.namespace().name());
    }

    @OnEvent("echo")
    String echo(String text) {
        return text;
    }

    @OnEvent("fail")
    String fail() {
        throw new IllegalStateException("expected failure without @OnError");
    }
}
