package io.quarkiverse.socketio.runtime.parser;

import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * A decoded Socket.IO v5 packet.
 * <p>
 * Binary content lives inside {@code data} as Jackson {@link com.fasterxml.jackson.databind.node.BinaryNode}s, e.g.
 * {@code ["upload", <BinaryNode>]}; a packet never carries {@code _placeholder} objects.
 * <p>
 * The type is always one of {@link PacketType#CONNECT}, {@link PacketType#DISCONNECT}, {@link PacketType#EVENT},
 * {@link PacketType#ACK} or {@link PacketType#CONNECT_ERROR}: {@link PacketType#BINARY_EVENT} and
 * {@link PacketType#BINARY_ACK} are wire details, normalised to EVENT and ACK by this constructor (and so by the
 * decoder). The encoder picks the binary variant by itself when the data holds binary.
 * <p>
 * The data tree is not copied: treat it as immutable once the packet is built, since the same packet may be
 * encoded for several recipients or handed to several handlers.
 *
 * @param type the packet type, never BINARY_EVENT or BINARY_ACK
 * @param namespace the namespace, starting with {@code /}; {@code "/"} when omitted ({@code null} is read as
 *        {@code "/"})
 * @param ackId the acknowledgement id, or {@code -1} for none
 * @param data the JSON payload, or {@code null} when absent
 */
public record SocketIOPacket(PacketType type, String namespace, long ackId, JsonNode data) {

    /** The default namespace. */
    public static final String DEFAULT_NAMESPACE = "/";

    /** The {@link #ackId()} of a packet without acknowledgement. */
    public static final long NO_ACK = -1;

    public SocketIOPacket {
        Objects.requireNonNull(type, "type");
        if (type == PacketType.BINARY_EVENT) {
            type = PacketType.EVENT;
        } else if (type == PacketType.BINARY_ACK) {
            type = PacketType.ACK;
        }
        if (namespace == null) {
            namespace = DEFAULT_NAMESPACE;
        } else if (namespace.isEmpty() || namespace.charAt(0) != '/' || namespace.indexOf(',') >= 0) {
            throw new IllegalArgumentException(
                    "A namespace must start with '/' and contain no ',': " + namespace);
        }
        if (ackId < NO_ACK) {
            throw new IllegalArgumentException("An ack id must be non-negative (or -1 for none): " + ackId);
        }
    }

    /** A CONNECT packet: from a client, {@code data} is the optional auth object; from the server, {@code {"sid":..}}. */
    public static SocketIOPacket connect(String namespace, JsonNode data) {
        return new SocketIOPacket(PacketType.CONNECT, namespace, NO_ACK, data);
    }

    /** A DISCONNECT packet. */
    public static SocketIOPacket disconnect(String namespace) {
        return new SocketIOPacket(PacketType.DISCONNECT, namespace, NO_ACK, null);
    }

    /**
     * An EVENT packet.
     *
     * @param data {@code [eventName, args...]}, binary arguments as BinaryNodes
     * @param ackId the ack id the receiver answers with, or {@code -1} for none
     */
    public static SocketIOPacket event(String namespace, ArrayNode data, long ackId) {
        return new SocketIOPacket(PacketType.EVENT, namespace, ackId, Objects.requireNonNull(data, "data"));
    }

    /** An EVENT packet without acknowledgement. */
    public static SocketIOPacket event(String namespace, ArrayNode data) {
        return event(namespace, data, NO_ACK);
    }

    /**
     * An ACK packet.
     *
     * @param data the acknowledgement arguments, binary ones as BinaryNodes
     * @param ackId the id of the EVENT being acknowledged
     */
    public static SocketIOPacket ack(String namespace, ArrayNode data, long ackId) {
        if (ackId < 0) {
            throw new IllegalArgumentException("An ACK packet needs an ack id");
        }
        return new SocketIOPacket(PacketType.ACK, namespace, ackId, Objects.requireNonNull(data, "data"));
    }

    /** A CONNECT_ERROR packet; {@code data} is normally {@code {"message":..., "data":...}}. */
    public static SocketIOPacket connectError(String namespace, JsonNode data) {
        return new SocketIOPacket(PacketType.CONNECT_ERROR, namespace, NO_ACK, data);
    }

    /** Whether the packet asks for (EVENT) or answers (ACK) an acknowledgement. */
    public boolean hasAckId() {
        return ackId >= 0;
    }
}
