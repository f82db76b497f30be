package io.quarkiverse.socketio.runtime.server;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;

import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.adapter.AdapterObserver;

/**
 * Told what happens on a server: for the Dev UI's live event log and the Admin UI's instrumentation. Calls come from
 * the sessions' event loops (and, for {@link #remoteMessage}, the adapters' threads) and must return at once; the
 * packets passed are the server's own and must not be changed.
 */
public interface ServerObserver extends AdapterObserver {

    /** Observes nothing (the server's default, so that production pays a field read per event and no more). */
    ServerObserver NONE = new ServerObserver() {
    };

    /** The observer of one server, made for each server of the JVM (again for an in-JVM worker that restarts). */
    @FunctionalInterface
    interface Factory {
        /**
         * @param worker the index of the server's worker: 1 and up in a cluster, 0 for a process on its own
         * @param server the server to observe
         */
        ServerObserver create(int worker, SocketIOServerImpl server);
    }

    /** One observer that tells each of {@code observers}, in order. */
    static ServerObserver all(List<ServerObserver> observers) {
        List<ServerObserver> real = observers.stream().filter(o -> o != NONE).toList();
        if (real.isEmpty()) {
            return NONE;
        }
        return real.size() == 1 ? real.get(0) : new ServerObservers(real);
    }

    /** A client opened an Engine.IO session on {@code transport}. */
    default void clientOpened(String transport) {
    }

    /** A client's Engine.IO session closed, for this Engine.IO reason ({@code transport close}, ...). */
    default void clientClosed(String reason) {
    }

    /** A message packet came from a client: {@code bytes} long (its text's characters, or a binary's bytes). */
    default void packetReceived(int bytes) {
    }

    /**
     * Message packets were written to clients: {@code packets} of them, {@code bytes} long in all, counted as
     * {@link #packetReceived} (a broadcast: once for all its recipients on this server).
     */
    default void packetsSent(int packets, long bytes) {
    }

    default void connected(SocketIOSocket socket) {
    }

    /** The client of this socket moved from long-polling to WebSocket (told for each of its sockets). */
    default void upgraded(SocketIOSocket socket) {
    }

    default void disconnected(SocketIOSocket socket, DisconnectReason reason) {
    }

    default void joined(SocketIOSocket socket, String room) {
    }

    default void left(SocketIOSocket socket, String room) {
    }

    /** An event from a client: its name, then its arguments (an acknowledgement callback not among them). */
    default void received(SocketIOSocket socket, ArrayNode event) {
    }

    /** An event sent to one socket: its name, then its arguments. */
    default void sent(SocketIOSocket socket, ArrayNode event) {
    }

    /** A broadcast event written to one socket of this server: its name, then its arguments. */
    default void delivered(SocketIOSocket socket, ArrayNode event) {
    }

    /**
     * An event broadcast to a selection of a namespace's sockets, wherever they are connected.
     *
     * @param selection the selection, described for people: "all", "rooms a, b", "except c", "local"
     */
    default void broadcast(String namespace, String selection, ArrayNode event) {
    }
}
