package io.quarkiverse.socketio;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/**
 * A client's membership of one namespace. Its handlers run on the connection's event loop, one event after another,
 * in the order the client sent them. Its methods may be called from any thread.
 */
public interface SocketIOSocket {

    /** The socket id: unique, and different from the connection's Engine.IO session id. */
    String id();

    /** The namespace the socket joined. */
    SocketIONamespace namespace();

    /** What the client sent when it connected. */
    Handshake handshake();

    /** The transport in use right now: {@code polling} or {@code websocket}. */
    String transport();

    /**
     * Whether this socket is a recovered one (connection state recovery): the client came back within
     * {@code max-disconnection-duration} after losing its connection, and got its id, rooms and data back, and the
     * broadcasts it missed. Already set when the connection handlers ({@code @OnConnect}) run.
     */
    boolean recovered();

    /** Whether the socket is still connected to its namespace. */
    boolean connected();

    /**
     * Data attached to the socket by the server (for example by a middleware), shared with
     * {@link BroadcastOperator#fetchSockets()}; keep its values convertible to JSON.
     */
    Map<String, Object> data();

    /** The rooms the socket is in; its own id room is always one of them. */
    Set<String> rooms();

    /** Joins rooms. */
    void join(String... rooms);

    /** Leaves a room. */
    void leave(String room);

    /** Sends an event to this client. */
    void emit(String event, Object... args);

    /**
     * Sends an event to this client and waits for its acknowledgement, with all of its arguments. Waits as long as the
     * client stays connected; see {@link #emitWithAck(Duration, String, Object...)}.
     */
    Uni<List<JsonNode>> emitWithAck(String event, Object... args);

    /** Like {@link #emitWithAck(String, Object...)}, failing with {@link AckTimeoutException} after the timeout. */
    Uni<List<JsonNode>> emitWithAck(Duration timeout, String event, Object... args);

    /** Selects the sockets in these rooms, this one excluded. */
    BroadcastOperator to(String... rooms);

    /** Selects every socket of the namespace but this one. */
    BroadcastOperator broadcast();

    /** Adds a handler for an event from this client. */
    SocketIOSocket on(String event, Consumer<SocketIOEvent> handler);

    /** Adds a handler run for every event from this client, before the event's own handlers. */
    SocketIOSocket onAny(Consumer<SocketIOEvent> handler);

    /** Adds a handler run when the socket is about to leave, while it is still in its rooms. */
    SocketIOSocket onDisconnecting(Consumer<DisconnectReason> handler);

    /** Adds a handler run once the socket left its namespace and its rooms. */
    SocketIOSocket onDisconnect(Consumer<DisconnectReason> handler);

    /** Disconnects the socket from its namespace; with {@code close}, closes the client's whole connection. */
    void disconnect(boolean close);
}
