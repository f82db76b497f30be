package io.quarkiverse.socketio.runtime.adapter;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.runtime.parser.OutboundPacket;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;
import io.quarkiverse.socketio.runtime.recovery.RecoveryStore;
import io.quarkiverse.socketio.runtime.recovery.SessionState;

/**
 * What an adapter needs from the namespace it serves: its name, its sockets connected to this process, and its
 * handlers of server-side events.
 */
public interface LocalNamespace {

    String name();

    /** The local socket with this id, or {@code null}. */
    LocalSocket socket(String id);

    Collection<? extends LocalSocket> sockets();

    /**
     * Tells the server's observers that a broadcast packet was written to these local sockets (the Admin UI shows each
     * recipient's events, as Node's {@code onAnyOutgoing} sees broadcasts).
     */
    void delivered(SocketIOPacket packet, OutboundPacket encoded, List<? extends LocalSocket> recipients);

    /** Encodes a packet once, for every local recipient. */
    OutboundPacket encode(SocketIOPacket packet);

    /**
     * A new acknowledgement id, unique among this server's ids in the namespace. A cluster adapter gives a broadcast
     * with acknowledgements that another server sent one of these, so it cannot collide with this server's own.
     */
    long nextAckId();

    /**
     * Runs the handlers of an event another server sent with serverSideEmit; {@code ack} is {@code null} when the
     * sender wants no answer, and is called at most once otherwise.
     *
     * @return whether a handler of the event ran: without one, no answer will ever come
     */
    boolean onServerSideEmit(ArrayNode eventAndArgs, Consumer<ArrayNode> ack);

    /**
     * A socket of another server, as its server described it to fetchSockets: its operations go through this
     * namespace's broadcast operators, so they reach it wherever it is connected.
     *
     * @param data the socket's data as it travelled (a map, else none), read with the application's mapper
     */
    RemoteSocket remoteSocket(String id, Handshake handshake, Set<String> rooms, JsonNode data);

    /**
     * A socket's data as it travels to another server, written with the application's mapper; data that cannot be
     * written travels empty (with a warning naming the socket).
     */
    ObjectNode dataTree(String socketId, Map<String, Object> data);

    /**
     * The store of connection state recovery in this process, or {@code null} when recovery is off. The in-memory
     * adapter keeps the sessions and broadcasts there; a cluster adapter keeps them with the primary instead.
     */
    RecoveryStore<LocalBroadcast, SessionState> recoveryStore();

    /** A broadcast kept for recovery in one process: where it went and its encoding, offset included. */
    record LocalBroadcast(String nsp, BroadcastOptions opts, OutboundPacket packet) {
    }

    /** What an adapter does with a socket connected to this process. */
    interface LocalSocket {
        String id();

        /** Writes an already encoded packet; {@code volatile_}: may be dropped when the client is not ready. */
        void write(OutboundPacket packet, boolean volatile_);

        /**
         * Writes a broadcast's packet, as {@link #write}; the adapter then tells the namespace of all its recipients
         * at once ({@link LocalNamespace#delivered}).
         */
        void deliver(OutboundPacket packet, boolean volatile_);

        /**
         * Whether the client's connection can take more now (the volatile emits' test): a producer that can wait, such
         * as a declarative handler's {@code Multi}, holds its next item while not.
         */
        boolean writable();

        /** Registers a callback for the acknowledgement with this id. */
        void expectAck(long ackId, Consumer<ArrayNode> ack);

        void disconnect(boolean close);

        /** Joins rooms, as the socket's own {@code join} does (so that the server's observers see it). */
        void join(String... rooms);

        /** Leaves a room, as the socket's own {@code leave} does. */
        void leave(String room);

        /** The socket's session for recovery, or {@code null} when recovery is off. */
        SessionState session();

        /** A snapshot of the socket for fetchSockets. */
        RemoteSocket snapshot();
    }
}
