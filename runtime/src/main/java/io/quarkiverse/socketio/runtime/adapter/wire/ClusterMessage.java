package io.quarkiverse.socketio.runtime.adapter.wire;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;

/**
 * A message between the cluster adapters of one namespace on different nodes, numbered and shaped like
 * socket.io-adapter's {@code ClusterAdapter} messages: the envelope {@code {uid, nsp, type, data}}.
 * <p>
 * {@code uid} is always the id of the adapter that wrote the message (for a response, the responder; the transport
 * addresses the response to the requester). Packets travel unencoded, binary as Jackson
 * {@link com.fasterxml.jackson.databind.node.BinaryNode}s inside their data. The payload records are mapped to and from
 * the wire by {@link ClusterMessageCodec}: their component names are the field names.
 *
 * @param type the message type
 * @param uid the id of the adapter that wrote the message
 * @param nsp the namespace
 * @param data the payload, of the class {@link Type#payloadType()} names; {@code null} for heartbeats and
 *        ADAPTER_CLOSE
 */
public record ClusterMessage(Type type, String uid, String nsp, Payload data) {

    public ClusterMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(nsp, "nsp");
        if (type.payloadType == null ? data != null : !type.payloadType.isInstance(data)) {
            throw new IllegalArgumentException("A " + type + " message carries "
                    + (type.payloadType == null ? "no data" : type.payloadType.getSimpleName()) + ", not "
                    + (data == null ? "null" : data.getClass().getSimpleName()));
        }
    }

    /** The message types, with socket.io-adapter's numbers. */
    public enum Type {
        INITIAL_HEARTBEAT(1, null),
        HEARTBEAT(2, null),
        BROADCAST(3, Broadcast.class),
        SOCKETS_JOIN(4, Rooms.class),
        SOCKETS_LEAVE(5, Rooms.class),
        DISCONNECT_SOCKETS(6, DisconnectSockets.class),
        FETCH_SOCKETS(7, FetchSockets.class),
        FETCH_SOCKETS_RESPONSE(8, FetchSocketsResponse.class),
        SERVER_SIDE_EMIT(9, ServerSideEmit.class),
        SERVER_SIDE_EMIT_RESPONSE(10, ServerSideEmitResponse.class),
        BROADCAST_CLIENT_COUNT(11, BroadcastClientCount.class),
        BROADCAST_ACK(12, BroadcastAck.class),
        ADAPTER_CLOSE(13, null),
        /**
         * Not socket.io-adapter's: a Java server tells a Java requester that it will not answer its request (no
         * handler for the server-side event, a request type it does not know), so the requester stops waiting for it.
         * Sent only to servers known to be Java ones (they send heartbeats); Node's adapters ignore a type they do not
         * know. Far above socket.io-adapter's numbers, so that a type Node adds later cannot collide.
         */
        UNANSWERED(1003, Unanswered.class);

        private static final Type[] BY_CODE = { INITIAL_HEARTBEAT, HEARTBEAT, BROADCAST, SOCKETS_JOIN, SOCKETS_LEAVE,
                DISCONNECT_SOCKETS, FETCH_SOCKETS, FETCH_SOCKETS_RESPONSE, SERVER_SIDE_EMIT, SERVER_SIDE_EMIT_RESPONSE,
                BROADCAST_CLIENT_COUNT, BROADCAST_ACK, ADAPTER_CLOSE };

        private final int code;
        private final Class<? extends Payload> payloadType;

        Type(int code, Class<? extends Payload> payloadType) {
            this.code = code;
            this.payloadType = payloadType;
        }

        /** The number on the wire: 1 to 13 as socket.io-adapter's, 1003 for {@link #UNANSWERED}. */
        public int code() {
            return code;
        }

        /** The class of the data, or {@code null} when the message has none. */
        public Class<? extends Payload> payloadType() {
            return payloadType;
        }

        /** Whether the message answers a request and goes to the requester only. */
        public boolean isResponse() {
            return this == FETCH_SOCKETS_RESPONSE || this == SERVER_SIDE_EMIT_RESPONSE
                    || this == BROADCAST_CLIENT_COUNT || this == BROADCAST_ACK || this == UNANSWERED;
        }

        /** The type with this number, or {@code null}. */
        public static Type of(long code) {
            if (code == UNANSWERED.code) {
                return UNANSWERED;
            }
            return code < 1 || code > BY_CODE.length ? null : BY_CODE[(int) code - 1];
        }
    }

    /** The data of a message. */
    public sealed interface Payload permits Broadcast, Rooms, DisconnectSockets, FetchSockets, FetchSocketsResponse,
            ServerSideEmit, ServerSideEmitResponse, BroadcastClientCount, BroadcastAck, Unanswered {
    }

    /**
     * BROADCAST: a packet for the selected sockets. Written in Node's key order: {@code packet, requestId?, opts}.
     *
     * @param requestId set for a broadcast with acknowledgements: the receivers answer BROADCAST_CLIENT_COUNT, then
     *        one BROADCAST_ACK per client acknowledgement
     */
    @JsonPropertyOrder({ "packet", "requestId", "opts" })
    public record Broadcast(@JsonProperty(required = true) BroadcastOptions opts,
            @JsonProperty(required = true) SocketIOPacket packet, String requestId) implements Payload {
        public Broadcast {
            Objects.requireNonNull(opts, "opts");
            Objects.requireNonNull(packet, "packet");
        }
    }

    /** SOCKETS_JOIN, SOCKETS_LEAVE: the selected sockets join or leave rooms. */
    public record Rooms(@JsonProperty(required = true) BroadcastOptions opts,
            @JsonDeserialize(as = LinkedHashSet.class) Set<String> rooms) implements Payload {
        public Rooms {
            Objects.requireNonNull(opts, "opts");
            rooms = ordered(rooms == null ? Set.of() : rooms);
        }
    }

    /** DISCONNECT_SOCKETS: the selected sockets are disconnected, with {@code close} their whole connection. */
    public record DisconnectSockets(@JsonProperty(required = true) BroadcastOptions opts, boolean close)
            implements
                Payload {
        public DisconnectSockets {
            Objects.requireNonNull(opts, "opts");
        }
    }

    /** FETCH_SOCKETS: each receiver answers FETCH_SOCKETS_RESPONSE with its selected sockets. */
    public record FetchSockets(@JsonProperty(required = true) BroadcastOptions opts,
            @JsonProperty(required = true) String requestId) implements Payload {
        public FetchSockets {
            Objects.requireNonNull(opts, "opts");
            Objects.requireNonNull(requestId, "requestId");
        }
    }

    /** FETCH_SOCKETS_RESPONSE: one node's sockets. */
    public record FetchSocketsResponse(@JsonProperty(required = true) String requestId,
            @JsonProperty(required = true) List<SocketDetails> sockets) implements Payload {
        public FetchSocketsResponse {
            Objects.requireNonNull(requestId, "requestId");
            sockets = List.copyOf(sockets);
        }
    }

    /**
     * A socket as FETCH_SOCKETS_RESPONSE describes it.
     *
     * @param data the socket's data as a JSON tree (binary as BinaryNode), or {@code null}
     */
    public record SocketDetails(@JsonProperty(required = true) String id,
            @JsonProperty(required = true) Handshake handshake,
            @JsonDeserialize(as = LinkedHashSet.class) Set<String> rooms, JsonNode data) {
        public SocketDetails {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(handshake, "handshake");
            rooms = ordered(rooms == null ? Set.of() : rooms);
        }

        /** A local socket as it is described to another server. */
        public static SocketDetails of(LocalNamespace.LocalSocket socket, LocalNamespace namespace) {
            RemoteSocket snapshot = socket.snapshot();
            return new SocketDetails(snapshot.id(), snapshot.handshake() == null ? NO_HANDSHAKE : snapshot.handshake(),
                    snapshot.rooms(), namespace.dataTree(snapshot.id(), snapshot.data()));
        }

        /** The socket this describes, as {@code namespace} sees a socket of another server. */
        public RemoteSocket toRemoteSocket(LocalNamespace namespace) {
            return namespace.remoteSocket(id, handshake, rooms, data);
        }

        private static final Handshake NO_HANDSHAKE = new Handshake(Map.of(), Map.of(), null, false, null, null, null);
    }

    /**
     * SERVER_SIDE_EMIT: an event for the namespace's handlers on the other nodes. Written in Node's key order:
     * {@code requestId?, packet}.
     *
     * @param packet {@code [event, args...]}
     * @param requestId set when the sender wants each node's acknowledgement (SERVER_SIDE_EMIT_RESPONSE)
     */
    @JsonPropertyOrder({ "requestId", "packet" })
    public record ServerSideEmit(@JsonProperty(required = true) ArrayNode packet, String requestId)
            implements
                Payload {
        public ServerSideEmit {
            Objects.requireNonNull(packet, "packet");
            if (packet.isEmpty() || !packet.get(0).isTextual()) {
                throw new IllegalArgumentException("A SERVER_SIDE_EMIT packet is [event, args...]: " + packet);
            }
        }
    }

    /** SERVER_SIDE_EMIT_RESPONSE: a node's acknowledgement, its first argument ({@code null} for none). */
    public record ServerSideEmitResponse(@JsonProperty(required = true) String requestId, JsonNode packet)
            implements
                Payload {
        public ServerSideEmitResponse {
            Objects.requireNonNull(requestId, "requestId");
        }
    }

    /** BROADCAST_CLIENT_COUNT: how many clients a node sent a broadcast with acknowledgements to. */
    public record BroadcastClientCount(@JsonProperty(required = true) String requestId,
            @JsonProperty(required = true) int clientCount) implements Payload {
        public BroadcastClientCount {
            Objects.requireNonNull(requestId, "requestId");
            if (clientCount < 0) {
                throw new IllegalArgumentException("clientCount must not be negative: " + clientCount);
            }
        }
    }

    /** BROADCAST_ACK: one client's acknowledgement of a broadcast, its first argument ({@code null} for none). */
    public record BroadcastAck(@JsonProperty(required = true) String requestId, JsonNode packet)
            implements
                Payload {
        public BroadcastAck {
            Objects.requireNonNull(requestId, "requestId");
        }
    }

    /** UNANSWERED: the sender will not answer the request {@code requestId} (Java servers only). */
    public record Unanswered(@JsonProperty(required = true) String requestId) implements Payload {
        public Unanswered {
            Objects.requireNonNull(requestId, "requestId");
        }
    }

    /** A message without data: INITIAL_HEARTBEAT, HEARTBEAT or ADAPTER_CLOSE. */
    public static ClusterMessage signal(Type type, String uid, String nsp) {
        return new ClusterMessage(type, uid, nsp, null);
    }

    /** A message with data; the type follows from the data, except for SOCKETS_JOIN and SOCKETS_LEAVE. */
    public static ClusterMessage of(String uid, String nsp, Payload data) {
        Type type;
        if (data instanceof Broadcast) {
            type = Type.BROADCAST;
        } else if (data instanceof DisconnectSockets) {
            type = Type.DISCONNECT_SOCKETS;
        } else if (data instanceof FetchSockets) {
            type = Type.FETCH_SOCKETS;
        } else if (data instanceof FetchSocketsResponse) {
            type = Type.FETCH_SOCKETS_RESPONSE;
        } else if (data instanceof ServerSideEmit) {
            type = Type.SERVER_SIDE_EMIT;
        } else if (data instanceof ServerSideEmitResponse) {
            type = Type.SERVER_SIDE_EMIT_RESPONSE;
        } else if (data instanceof BroadcastClientCount) {
            type = Type.BROADCAST_CLIENT_COUNT;
        } else if (data instanceof BroadcastAck) {
            type = Type.BROADCAST_ACK;
        } else if (data instanceof Unanswered) {
            type = Type.UNANSWERED;
        } else {
            throw new IllegalArgumentException("SOCKETS_JOIN or SOCKETS_LEAVE: say which with the constructor");
        }
        return new ClusterMessage(type, uid, nsp, data);
    }

    /** The request id the data carries, or {@code null}. */
    public String requestId() {
        if (data instanceof Broadcast b) {
            return b.requestId();
        } else if (data instanceof FetchSockets f) {
            return f.requestId();
        } else if (data instanceof FetchSocketsResponse f) {
            return f.requestId();
        } else if (data instanceof ServerSideEmit s) {
            return s.requestId();
        } else if (data instanceof ServerSideEmitResponse s) {
            return s.requestId();
        } else if (data instanceof BroadcastClientCount c) {
            return c.requestId();
        } else if (data instanceof BroadcastAck a) {
            return a.requestId();
        } else if (data instanceof Unanswered u) {
            return u.requestId();
        }
        return null;
    }

    private static Set<String> ordered(Set<String> rooms) {
        Objects.requireNonNull(rooms, "rooms");
        return Collections.unmodifiableSet(new LinkedHashSet<>(rooms));
    }
}
