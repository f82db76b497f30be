package io.quarkiverse.socketio.runtime.server;

import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.adapter.AdapterObserver;

/**
 * Told what happens on a server, for the Dev UI's live event log. Calls come from the sockets' event loops and must
 * return at once. Payloads are never passed, only event names and sizes.
 */
public interface ServerObserver extends AdapterObserver {

    /** Observes nothing (the server's default, so that production pays a field read per event and no more). */
    ServerObserver NONE = new ServerObserver() {
    };

    default void connected(SocketIOSocket socket) {
    }

    default void disconnected(SocketIOSocket socket, DisconnectReason reason) {
    }

    default void joined(SocketIOSocket socket, String room) {
    }

    default void left(SocketIOSocket socket, String room) {
    }

    /** An event from a client; {@code size} is the length of its arguments as JSON text. */
    default void received(SocketIOSocket socket, String event, int size) {
    }

    /**
     * An event sent to clients: to one socket ({@code target} its id) or broadcast ({@code target} describes the
     * rooms); {@code size} is the length of its arguments as JSON text.
     */
    default void emitted(String namespace, String target, String event, int size) {
    }
}
