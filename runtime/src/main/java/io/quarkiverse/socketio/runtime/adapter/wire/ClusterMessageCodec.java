package io.quarkiverse.socketio.runtime.adapter.wire;

import java.io.IOException;
import java.util.Iterator;

import org.msgpack.jackson.dataformat.MessagePackFactory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Type;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterProtocolException;

/**
 * Encodes {@link ClusterMessage}s in the shape socket.io-adapter's {@code ClusterAdapter} gives them, and back: the
 * envelope {@code {type, data?, uid, nsp}} as MessagePack (between the workers of a host, on the Redis streams
 * adapter's channels) or JSON text (the sharded Redis adapter's messages without binary). Binary keeps its exact bytes
 * (MessagePack {@code bin}); a JSON encoding of a message that holds binary is refused, since JSON cannot carry it.
 *
 * <pre>
 *   BROADCAST                 data = {opts, packet, requestId?}
 *   SOCKETS_JOIN/LEAVE        data = {opts, rooms: [str]}
 *   DISCONNECT_SOCKETS        data = {opts, close: bool}
 *   FETCH_SOCKETS             data = {opts, requestId}
 *   FETCH_SOCKETS_RESPONSE    data = {requestId, sockets: [{id, handshake, rooms: [str], data}]}
 *   SERVER_SIDE_EMIT          data = {packet: [event, args...], requestId?}
 *   SERVER_SIDE_EMIT_RESPONSE data = {requestId, packet?}
 *   BROADCAST_CLIENT_COUNT    data = {requestId, clientCount: int}
 *   BROADCAST_ACK             data = {requestId, packet?}
 *   UNANSWERED (1003, Java)   data = {requestId}
 * </pre>
 * <p>
 * The payloads are mapped by Jackson's databind from the records of {@link ClusterMessage}, with {@link WireModule}
 * for options, packets and handshakes; MessagePack is read by {@link BoundedMessagePackReader} first, JSON under
 * Jackson's own read limits. Any malformed input raises {@link ClusterProtocolException}. Instances are thread-safe.
 */
public final class ClusterMessageCodec {

    /**
     * The default nesting limit of a decoded body: room for Jackson's own default (1000 levels of JSON in a packet)
     * plus the envelope around it.
     */
    public static final int DEFAULT_MAX_DEPTH = 1100;

    private final ObjectMapper msgpack;
    private final ObjectMapper json;
    private final ObjectReader payloads;
    private final BoundedMessagePackReader reader;

    public ClusterMessageCodec() {
        this(DEFAULT_MAX_DEPTH);
    }

    public ClusterMessageCodec(int maxDepth) {
        if (maxDepth < 8) {
            throw new IllegalArgumentException("maxDepth must be at least 8: " + maxDepth);
        }
        this.reader = new BoundedMessagePackReader(maxDepth);
        MessagePackFactory msgpackFactory = new MessagePackFactory();
        msgpackFactory.setStreamWriteConstraints(
                StreamWriteConstraints.builder().maxNestingDepth(maxDepth + 1).build());
        this.msgpack = WireModule.mapper(msgpackFactory, false);
        JsonFactory jsonFactory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(maxDepth + 1).build())
                .build();
        this.json = WireModule.mapper(jsonFactory, false);
        this.payloads = msgpack.reader();
    }

    // ---------------------------------------------------------------- encoding

    /** The MessagePack body of a message. */
    public byte[] encode(ClusterMessage message) {
        return write(msgpack, message);
    }

    /**
     * The JSON text of a message.
     *
     * @throws IllegalArgumentException when the message holds binary, which JSON cannot carry
     */
    public byte[] encodeJson(ClusterMessage message) {
        if (hasBinary(message)) {
            throw new IllegalArgumentException("A " + message.type() + " message with binary cannot be JSON");
        }
        return write(json, message);
    }

    /** The data of a message as JSON text ({@code null} when it has none); for the streams adapter's entries. */
    public byte[] encodeDataJson(ClusterMessage message) {
        if (message.data() == null) {
            return null;
        }
        if (hasBinary(message)) {
            throw new IllegalArgumentException("A " + message.type() + " message with binary cannot be JSON");
        }
        try {
            return json.writeValueAsBytes(message.data());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot encode " + message.type() + " message: " + e.getMessage(), e);
        }
    }

    /** The data of a message as MessagePack ({@code null} when it has none); for the streams adapter's entries. */
    public byte[] encodeData(ClusterMessage message) {
        if (message.data() == null) {
            return null;
        }
        try {
            return msgpack.writeValueAsBytes(message.data());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot encode " + message.type() + " message: " + e.getMessage(), e);
        }
    }

    private static byte[] write(ObjectMapper mapper, ClusterMessage message) {
        ObjectNode root = mapper.createObjectNode();
        root.put("type", message.type().code());
        if (message.data() != null) {
            root.set("data", mapper.valueToTree(message.data()));
        }
        root.put("uid", message.uid());
        root.put("nsp", message.nsp());
        try {
            return mapper.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot encode " + message.type() + " message: " + e.getMessage(), e);
        }
    }

    /** Whether a message holds binary anywhere (then only MessagePack carries it). */
    public static boolean hasBinary(ClusterMessage message) {
        ClusterMessage.Payload data = message.data();
        if (data instanceof ClusterMessage.Broadcast b) {
            return hasBinary(b.packet().data());
        } else if (data instanceof ClusterMessage.ServerSideEmit s) {
            return hasBinary(s.packet());
        } else if (data instanceof ClusterMessage.ServerSideEmitResponse s) {
            return hasBinary(s.packet());
        } else if (data instanceof ClusterMessage.BroadcastAck a) {
            return hasBinary(a.packet());
        } else if (data instanceof ClusterMessage.FetchSocketsResponse f) {
            for (ClusterMessage.SocketDetails socket : f.sockets()) {
                if (hasBinary(socket.data()) || (socket.handshake().auth() != null
                        && hasBinary(socket.handshake().auth()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether a tree holds a binary node anywhere. */
    public static boolean hasBinary(JsonNode node) {
        if (node == null) {
            return false;
        }
        if (node.isBinary()) {
            return true;
        }
        if (node.isContainerNode()) {
            for (Iterator<JsonNode> it = node.elements(); it.hasNext();) {
                if (hasBinary(it.next())) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- decoding

    public ClusterMessage decode(byte[] body) {
        return decode(body, 0, body.length);
    }

    /** The message of a MessagePack body. */
    public ClusterMessage decode(byte[] bytes, int offset, int length) {
        return fromTree(reader.read(bytes, offset, length));
    }

    /** The message of a JSON text. */
    public ClusterMessage decodeJson(byte[] text) {
        return fromTree(readJson(text));
    }

    /** The message of a body that is JSON when it starts with <code>{</code>, MessagePack otherwise (as Node tells). */
    public ClusterMessage decodeEither(byte[] body) {
        return body.length > 0 && body[0] == '{' ? decodeJson(body) : decode(body);
    }

    /** One MessagePack value, read with the limits (see {@link BoundedMessagePackReader}). */
    public JsonNode readTree(byte[] bytes, int offset, int length) {
        return reader.read(bytes, offset, length);
    }

    /** One JSON value, read with the limits. */
    public JsonNode readJson(byte[] text) {
        try {
            JsonNode tree = json.readTree(text);
            if (tree == null) {
                throw new ClusterProtocolException("Empty message");
            }
            return tree;
        } catch (IOException e) {
            throw new ClusterProtocolException("Malformed JSON: " + e.getMessage(), e);
        }
    }

    /** The message a decoded envelope describes. */
    public ClusterMessage fromTree(JsonNode root) {
        if (!(root instanceof ObjectNode)) {
            throw new ClusterProtocolException("A cluster message is a map, not " + root.getNodeType());
        }
        JsonNode typeNode = root.get("type");
        Type type = typeNode != null && typeNode.isIntegralNumber() && typeNode.canConvertToLong()
                ? Type.of(typeNode.longValue())
                : null;
        if (type == null) {
            throw new ClusterProtocolException("Unknown cluster message type: " + typeNode);
        }
        return fromParts(type, text(root, "uid"), text(root, "nsp"), root.get("data"));
    }

    /**
     * The message of its parts: the envelope's fields and the data tree ({@code null} for the types without data).
     */
    public ClusterMessage fromParts(Type type, String uid, String nsp, JsonNode data) {
        if (uid.isEmpty() || nsp.isEmpty() || nsp.charAt(0) != '/') {
            throw new ClusterProtocolException("Bad uid or namespace in cluster message: '" + uid + "', '" + nsp + "'");
        }
        if (type.payloadType() == null) {
            return ClusterMessage.signal(type, uid, nsp);
        }
        if (!(data instanceof ObjectNode)) {
            throw new ClusterProtocolException(type + " message without a data map");
        }
        try {
            ClusterMessage.Payload payload = payloads.forType(type.payloadType())
                    .withAttribute(WireModule.NAMESPACE_ATTRIBUTE, nsp).readValue(data);
            return new ClusterMessage(type, uid, nsp, payload);
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            Throwable cause = e.getCause() instanceof ClusterProtocolException protocol ? protocol : e;
            throw new ClusterProtocolException("Invalid " + type + " message: " + cause.getMessage(), e);
        }
    }

    private static String text(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isTextual()) {
            throw new ClusterProtocolException("A cluster message without a string " + field);
        }
        return node.textValue();
    }
}
