package io.quarkiverse.socketio.runtime.adapter;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;
import io.quarkiverse.socketio.runtime.recovery.RestoredSession;
import io.quarkiverse.socketio.runtime.recovery.SessionState;
import io.smallrye.mutiny.Uni;

/**
 * Keeps the rooms of one namespace and carries operations on sockets to wherever they are connected: this process
 * only (in-memory), the other workers of a cluster, or other hosts. The operations mirror socket.io-adapter's.
 * Every method may be called from any thread.
 */
public interface Adapter {

    /** Adds a local socket to rooms. */
    void addAll(String socketId, Set<String> rooms);

    /** Removes a local socket from a room. */
    void del(String socketId, String room);

    /** Removes a local socket from every room. */
    void delAll(String socketId);

    /** The rooms of a local socket (empty when unknown). */
    Set<String> socketRooms(String socketId);

    /** Sends a packet to the selected sockets. */
    void broadcast(SocketIOPacket packet, BroadcastOptions options);

    /**
     * Sends a packet that asks for an acknowledgement to the selected sockets. {@code clientCount} is called once per
     * server with the number of sockets it sent the packet to; {@code ack} once per acknowledgement, with its first
     * argument.
     */
    void broadcastWithAck(SocketIOPacket packet, BroadcastOptions options, IntConsumer clientCount,
            Consumer<JsonNode> ack);

    /** The selected sockets, wherever they are. */
    Uni<List<RemoteSocket>> fetchSockets(BroadcastOptions options);

    /** Makes the selected sockets join rooms. */
    void addSockets(BroadcastOptions options, Set<String> rooms);

    /** Makes the selected sockets leave rooms. */
    void delSockets(BroadcastOptions options, Set<String> rooms);

    /** Disconnects the selected sockets. */
    void disconnectSockets(BroadcastOptions options, boolean close);

    /** Sends an event (name first, then arguments) to the namespace's handlers on the other servers. */
    void serverSideEmit(ArrayNode eventAndArgs);

    /** Like {@link #serverSideEmit(ArrayNode)}, collecting each other server's acknowledgement (first argument). */
    Uni<List<JsonNode>> serverSideEmitWithAck(ArrayNode eventAndArgs);

    /** How many servers share this namespace, this one included. */
    Uni<Integer> serverCount();

    // ------------------------------------------------------------------ connection state recovery (when enabled)

    /**
     * A local socket's session changed (it connected, joined or left a room). A cluster adapter keeps it outside the
     * worker at once, so that the session survives a worker that dies without a word.
     */
    default void sessionUpdated(SessionState session) {
    }

    /** A local socket disconnected in a way that allows recovery: keep its session for the window. */
    default void persistSession(SessionState session) {
    }

    /** A local socket left for good: its session cannot be recovered. */
    default void discardSession(SessionState session) {
    }

    /**
     * Takes the session {@code pid} of this namespace for a client that came back with {@code offset} (the last offset
     * it received, as the adapter wrote it), and calls {@code then} with it and the broadcasts it missed, or with
     * {@code null} when it cannot be recovered (an offset this adapter could not have written included). {@code then}
     * runs in the adapter's delivery order: broadcasts delivered after it returns reach the sockets in the rooms it
     * joined, those before are among the missed ones; so it must put the socket in its rooms before it returns.
     */
    default void restoreSession(String pid, String offset, Consumer<RestoredSession> then) {
        then.accept(null);
    }

    /** Releases what the adapter holds; called when its namespace is discarded or the server stops. */
    void close();
}
