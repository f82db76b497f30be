package io.quarkiverse.socketio.runtime.server;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.BroadcastOperator;
import io.quarkiverse.socketio.RemoteSocket;
import io.smallrye.mutiny.Uni;

/**
 * The broadcast operators of a namespace-like object, all applied to the selection of all its sockets.
 */
public abstract class SelectionDelegate implements BroadcastOperator {

    /** Every socket of this namespace (or group of namespaces). */
    public abstract BroadcastOperator all();

    @Override
    public BroadcastOperator to(String... rooms) {
        return all().to(rooms);
    }

    @Override
    public BroadcastOperator except(String... rooms) {
        return all().except(rooms);
    }

    @Override
    public BroadcastOperator local() {
        return all().local();
    }

    @Override
    public BroadcastOperator asVolatile() {
        return all().asVolatile();
    }

    @Override
    public BroadcastOperator compress(boolean compress) {
        return all().compress(compress);
    }

    @Override
    public BroadcastOperator timeout(Duration timeout) {
        return all().timeout(timeout);
    }

    @Override
    public void emit(String event, Object... args) {
        all().emit(event, args);
    }

    @Override
    public Uni<List<JsonNode>> emitWithAck(String event, Object... args) {
        return all().emitWithAck(event, args);
    }

    @Override
    public Uni<List<RemoteSocket>> fetchSockets() {
        return all().fetchSockets();
    }

    @Override
    public void socketsJoin(String... rooms) {
        all().socketsJoin(rooms);
    }

    @Override
    public void socketsLeave(String... rooms) {
        all().socketsLeave(rooms);
    }

    @Override
    public void disconnectSockets(boolean close) {
        all().disconnectSockets(close);
    }
}
