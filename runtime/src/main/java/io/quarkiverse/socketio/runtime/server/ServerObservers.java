package io.quarkiverse.socketio.runtime.server;

import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ArrayNode;

import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.SocketIOSocket;

/** Several observers of one server (the Dev UI's and the Admin UI's), told in order. */
final class ServerObservers implements ServerObserver {

    private final ServerObserver[] observers;

    ServerObservers(List<ServerObserver> observers) {
        this.observers = observers.toArray(ServerObserver[]::new);
    }

    /** A call for each observer (a lambda per event: only dev mode, where the Dev UI observes too, gets here). */
    private void each(Consumer<ServerObserver> call) {
        for (ServerObserver observer : observers) {
            call.accept(observer);
        }
    }

    @Override
    public void remoteMessage(String from, String type, String namespace) {
        each(o -> o.remoteMessage(from, type, namespace));
    }

    @Override
    public void clientOpened(String transport) {
        each(o -> o.clientOpened(transport));
    }

    @Override
    public void clientClosed(String reason) {
        each(o -> o.clientClosed(reason));
    }

    @Override
    public void packetReceived(int bytes) {
        each(o -> o.packetReceived(bytes));
    }

    @Override
    public void packetsSent(int packets, long bytes) {
        each(o -> o.packetsSent(packets, bytes));
    }

    @Override
    public void connected(SocketIOSocket socket) {
        each(o -> o.connected(socket));
    }

    @Override
    public void upgraded(SocketIOSocket socket) {
        each(o -> o.upgraded(socket));
    }

    @Override
    public void disconnected(SocketIOSocket socket, DisconnectReason reason) {
        each(o -> o.disconnected(socket, reason));
    }

    @Override
    public void joined(SocketIOSocket socket, String room) {
        each(o -> o.joined(socket, room));
    }

    @Override
    public void left(SocketIOSocket socket, String room) {
        each(o -> o.left(socket, room));
    }

    @Override
    public void received(SocketIOSocket socket, ArrayNode event) {
        each(o -> o.received(socket, event));
    }

    @Override
    public void sent(SocketIOSocket socket, ArrayNode event) {
        each(o -> o.sent(socket, event));
    }

    @Override
    public void delivered(SocketIOSocket socket, ArrayNode event) {
        each(o -> o.delivered(socket, event));
    }

    @Override
    public void broadcast(String namespace, String selection, ArrayNode event) {
        each(o -> o.broadcast(namespace, selection, event));
    }
}
