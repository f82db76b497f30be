package io.quarkiverse.socketio.it.declarative;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkiverse.socketio.Middleware;
import io.quarkiverse.socketio.OnAnyEvent;
import io.quarkiverse.socketio.OnConnect;
import io.quarkiverse.socketio.OnDisconnect;
import io.quarkiverse.socketio.OnError;
import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIOSocket;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.smallrye.mutiny.Uni;

/**
 * Test namespace {@value #NAME}: every kind of handler uses the {@link RequestProbe} request-scoped bean, which fails
 * when no request context is active, and records which instance each call used.
 */
@SocketIO(namespace = RequestScopeFixture.NAME)
public class RequestScopeFixture {

    public static final String NAME = "/request-scope";

    @Inject
    RequestProbe probe;

    @Middleware
    void middleware() {
        probe.use("middleware");
    }

    @OnConnect
    void connect() {
        probe.use("connect");
    }

    @OnAnyEvent
    void any(SocketIOEvent event) {
        probe.use("any-" + event.name());
    }

    /** On a worker thread. */
    @OnEvent("blocking")
    int blocking() {
        return probe.use("blocking");
    }

    @RunOnVirtualThread
    @OnEvent("virtual")
    int virtual() {
        return probe.use("virtual");
    }

    /** On the event loop; the continuation runs later, on another thread. */
    @OnEvent("uni")
    Uni<List<Integer>> uni() {
        int before = probe.use("uni");
        return Uni.createFrom().item(before).onItem().delayIt().by(Duration.ofMillis(50))
                .map(id -> List.of(id, probe.use("uni-continuation")));
    }

    /** The continuation runs when the client acknowledges. */
    @OnEvent("ask-client")
    Uni<List<Object>> askClient(SocketIOSocket socket) {
        int before = probe.use("ask-client");
        return socket.emitWithAck("question", "?")
                .map(answer -> List.of(before, probe.use("ack-callback"), answer.get(0).asText()));
    }

    @OnEvent("fail")
    void fail() {
        probe.use("fail");
        throw new IllegalStateException("failed on purpose");
    }

    @OnError
    Map<String, Integer> error(IllegalStateException failure) {
        return Map.of("error", probe.use("error"));
    }

    @OnDisconnect
    void disconnect() {
        probe.use("disconnect");
    }
}
