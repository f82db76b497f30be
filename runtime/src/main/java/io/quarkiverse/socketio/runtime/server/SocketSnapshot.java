package io.quarkiverse.socketio.runtime.server;

import java.util.Map;
import java.util.Set;

import io.quarkiverse.socketio.BroadcastOperator;
import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.RemoteSocket;

/**
 * A socket as fetchSockets found it; its actions go through the namespace's operators, so they reach the socket on
 * whichever server it is connected to.
 */
public record SocketSnapshot(String id, Handshake handshake, Set<String> rooms, Map<String, Object> data,
        BroadcastOperator namespace) implements RemoteSocket {

    @Override
    public void emit(String event, Object... args) {
        namespace.to(id).emit(event, args);
    }

    @Override
    public void join(String... newRooms) {
        namespace.to(id).socketsJoin(newRooms);
    }

    @Override
    public void leave(String room) {
        namespace.to(id).socketsLeave(room);
    }

    @Override
    public void disconnect(boolean close) {
        namespace.to(id).disconnectSockets(close);
    }
}
