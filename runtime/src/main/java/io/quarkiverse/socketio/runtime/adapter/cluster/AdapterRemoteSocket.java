package io.quarkiverse.socketio.runtime.adapter.cluster;

import java.util.Map;
import java.util.Set;

import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.runtime.adapter.Adapter;
import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;
import io.quarkiverse.socketio.runtime.server.JsonArgs;

/**
 * A socket of another server, for a namespace that offers no broadcast operators of its own: its actions go straight
 * through the adapter, selecting the socket by its id room.
 */
record AdapterRemoteSocket(String id, Handshake handshake, Set<String> rooms, Map<String, Object> data,
        Adapter adapter, JsonArgs json) implements RemoteSocket {

    private BroadcastOptions only() {
        return new BroadcastOptions(Set.of(id), Set.of(), BroadcastOptions.Flags.NONE);
    }

    @Override
    public void emit(String event, Object... args) {
        String nsp = adapter instanceof ClusterAdapter cluster ? cluster.namespaceName() : SocketIOPacket.DEFAULT_NAMESPACE;
        adapter.broadcast(SocketIOPacket.event(nsp, json.eventData(event, args)), only());
    }

    @Override
    public void join(String... rooms) {
        adapter.addSockets(only(), Set.of(rooms));
    }

    @Override
    public void leave(String room) {
        adapter.delSockets(only(), Set.of(room));
    }

    @Override
    public void disconnect(boolean close) {
        adapter.disconnectSockets(only(), close);
    }
}
