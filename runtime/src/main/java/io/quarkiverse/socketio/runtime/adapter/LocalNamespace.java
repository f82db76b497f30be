package io.quarkiverse.socketio.runtime.adapter;

import java.util.Collection;

import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.runtime.server.OutboundPacket;

/**
 * What an adapter needs from the namespace it serves: its name, and its sockets connected to this process.
 */
public interface LocalNamespace {

    String name();

    /** The local socket with this id, or {@code null}. */
    LocalSocket socket(String id);

    Collection<? extends LocalSocket> sockets();

    /** Encodes a packet once, for every local recipient. */
    OutboundPacket encode(io.quarkiverse.socketio.runtime.protocol.SocketIOPacket packet);

    /** What an adapter does with a socket connected to this process. */
    interface LocalSocket {
        String id();

        /** Writes an already encoded packet; {@code volatile_}: may be dropped when the client is not ready. */
        void write(OutboundPacket packet, boolean volatile_);

        /** Registers a callback for the acknowledgement with this id. */
        void expectAck(long ackId, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ArrayNode> ack);

        void disconnect(boolean close);

        /** A snapshot of the socket for fetchSockets. */
        RemoteSocket snapshot();
    }
}
