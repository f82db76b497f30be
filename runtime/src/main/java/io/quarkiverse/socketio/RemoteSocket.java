package io.quarkiverse.socketio;

import java.util.Map;
import java.util.Set;

/**
 * A socket found by {@link BroadcastOperator#fetchSockets()}, connected to this server or another one of the cluster.
 * What it shows is a snapshot taken when it was fetched; the actions reach it wherever it is connected.
 */
public interface RemoteSocket {

    /** The socket id. */
    String id();

    /** What the client sent when it connected. */
    Handshake handshake();

    /** The rooms the socket was in, its own id room included. */
    Set<String> rooms();

    /** The socket's data, as the server stored it with {@link SocketIOSocket#data()}. */
    Map<String, Object> data();

    /** Sends an event to this socket. */
    void emit(String event, Object... args);

    /** Makes the socket join rooms. */
    void join(String... rooms);

    /** Makes the socket leave a room. */
    void leave(String room);

    /** Disconnects the socket; with {@code close}, closes its whole connection. */
    void disconnect(boolean close);
}
