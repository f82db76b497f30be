package io.quarkiverse.socketio.runtime.adapter.cluster;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterMessage.Broadcast;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterMessage.BroadcastAck;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterMessage.BroadcastClientCount;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterMessage.DisconnectSockets;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterMessage.FetchSockets;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterMessage.FetchSocketsResponse;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterMessage.Rooms;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterMessage.ServerSideEmit;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterMessage.ServerSideEmitResponse;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterMessage.SocketDetails;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterMessage.Type;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterFrame;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterProtocolException;
import io.quarkiverse.socketio.runtime.parser.PacketType;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;

/**
 * Encodes {@link ClusterMessage}s to MessagePack and back, in the shape socket.io-adapter's cluster adapter and the
 * Node.js Redis adapters use (a MessagePack map), so binary keeps its exact bytes (MessagePack {@code bin}).
 *
 * <h2>Body</h2>
 *
 * <pre>
 * {uid: str, nsp: str, type: int 1..13, data?: ...}
 *   BROADCAST                 data = {opts, packet, requestId?}
 *   SOCKETS_JOIN/LEAVE        data = {opts, rooms: [str]}
 *   DISCONNECT_SOCKETS        data = {opts, close: bool}
 *   FETCH_SOCKETS             data = {opts, requestId}
 *   FETCH_SOCKETS_RESPONSE    data = {requestId, sockets: [{id, handshake, rooms: [str], data}]}
 *   SERVER_SIDE_EMIT          data = {packet: [event, args...], requestId?}
 *   SERVER_SIDE_EMIT_RESPONSE data = {requestId, packet: any}
 *   BROADCAST_CLIENT_COUNT    data = {requestId, clientCount: int}
 *   BROADCAST_ACK             data = {requestId, packet: any}
 * opts      = {rooms: [str], except: [str], flags: {volatile?: true, compress: bool, local?: true, timeout?: int ms}}
 * packet    = {type: int (Socket.IO packet type), nsp: str, data?: any, id?: int} (the unencoded Socket.IO packet)
 * handshake = {headers: {name: str | [str]}, time: str, address, xdomain: bool, secure: bool, issued: int ms,
 *              url, query: {name: str | [str]}, auth: {}}
 * </pre>
 * <p>
 * Decoding reads MessagePack itself, with limits: every declared string, binary, array or map length is checked
 * against the bytes left before anything is allocated, nesting is limited, and trailing bytes are refused. Any
 * malformed input raises {@link ClusterProtocolException}. Instances are thread-safe.
 */
public final class ClusterMessageCodec {

    /**
     * The default nesting limit of a decoded body: room for Jackson's own default (1000 levels of JSON in a packet)
     * plus the envelope around it.
     */
    public static final int DEFAULT_MAX_DEPTH = 1100;

    private static final DateTimeFormatter JS_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final ObjectMapper msgpack;
    private final int maxDepth;
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;

    public ClusterMessageCodec() {
        this(DEFAULT_MAX_DEPTH);
    }

    public ClusterMessageCodec(int maxDepth) {
        if (maxDepth < 8) {
            throw new IllegalArgumentException("maxDepth must be at least 8: " + maxDepth);
        }
        this.maxDepth = maxDepth;
        MessagePackFactory factory = new MessagePackFactory();
        factory.setStreamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(maxDepth + 1).build());
        this.msgpack = new ObjectMapper(factory);
    }

    /** A framed message: {@link ClusterFrame} of kind ADAPTER around {@link #encode(ClusterMessage)}. */
    public byte[] encodeFrame(ClusterMessage message, int source, int target) {
        return ClusterFrame.encode(ClusterFrame.Kind.ADAPTER, source, target, encode(message));
    }

    /** The message of a whole ADAPTER frame. */
    public ClusterMessage decodeFrame(byte[] frame) {
        ClusterFrame.Header header = ClusterFrame.header(frame);
        if (header.kind() != ClusterFrame.Kind.ADAPTER) {
            throw new ClusterProtocolException("Not an adapter frame: " + header.kind());
        }
        return decode(frame, ClusterFrame.BODY_OFFSET, header.bodyLength());
    }

    /** The MessagePack body of a message. */
    public byte[] encode(ClusterMessage message) {
        try {
            return msgpack.writeValueAsBytes(toTree(message));
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot encode " + message.type() + " message: " + e.getMessage(), e);
        }
    }

    public ClusterMessage decode(byte[] body) {
        return decode(body, 0, body.length);
    }

    /** The message of a MessagePack body. */
    public ClusterMessage decode(byte[] bytes, int offset, int length) {
        return fromTree(readTree(bytes, offset, length));
    }

    // ---------------------------------------------------------------- message <-> tree

    /** The message as the tree its body encodes. */
    public ObjectNode toTree(ClusterMessage message) {
        ObjectNode root = nodes.objectNode();
        root.put("uid", message.uid());
        root.put("nsp", message.nsp());
        root.put("type", message.type().code());
        ClusterMessage.Payload payload = message.data();
        if (payload == null) {
            return root;
        }
        ObjectNode data = root.putObject("data");
        if (payload instanceof Broadcast b) {
            data.set("opts", options(b.opts()));
            data.set("packet", packet(b.packet()));
            if (b.requestId() != null) {
                data.put("requestId", b.requestId());
            }
        } else if (payload instanceof Rooms r) {
            data.set("opts", options(r.opts()));
            data.set("rooms", strings(r.rooms()));
        } else if (payload instanceof DisconnectSockets d) {
            data.set("opts", options(d.opts()));
            data.put("close", d.close());
        } else if (payload instanceof FetchSockets f) {
            data.set("opts", options(f.opts()));
            data.put("requestId", f.requestId());
        } else if (payload instanceof FetchSocketsResponse f) {
            data.put("requestId", f.requestId());
            ArrayNode sockets = data.putArray("sockets");
            for (SocketDetails socket : f.sockets()) {
                ObjectNode s = sockets.addObject();
                s.put("id", socket.id());
                s.set("handshake", handshake(socket.handshake()));
                s.set("rooms", strings(socket.rooms()));
                s.set("data", socket.data() == null ? NullNode.getInstance() : socket.data());
            }
        } else if (payload instanceof ServerSideEmit s) {
            data.set("packet", s.packet());
            if (s.requestId() != null) {
                data.put("requestId", s.requestId());
            }
        } else if (payload instanceof ServerSideEmitResponse s) {
            data.put("requestId", s.requestId());
            data.set("packet", nullToNode(s.packet()));
        } else if (payload instanceof BroadcastClientCount c) {
            data.put("requestId", c.requestId());
            data.put("clientCount", c.clientCount());
        } else if (payload instanceof BroadcastAck a) {
            data.put("requestId", a.requestId());
            data.set("packet", nullToNode(a.packet()));
        }
        return root;
    }

    /** The message a decoded tree describes. */
    public ClusterMessage fromTree(JsonNode root) {
        if (!(root instanceof ObjectNode)) {
            throw new ClusterProtocolException("A cluster message is a map, not " + root.getNodeType());
        }
        String uid = text(root, "uid", "message");
        String nsp = text(root, "nsp", "message");
        if (uid.isEmpty() || nsp.isEmpty() || nsp.charAt(0) != '/') {
            throw new ClusterProtocolException("Bad uid or namespace in cluster message: '" + uid + "', '" + nsp + "'");
        }
        JsonNode typeNode = root.get("type");
        Type type = typeNode != null && typeNode.canConvertToLong() && typeNode.isIntegralNumber()
                ? Type.of(typeNode.longValue())
                : null;
        if (type == null) {
            throw new ClusterProtocolException("Unknown cluster message type: " + typeNode);
        }
        if (type.payloadType() == null) {
            return ClusterMessage.signal(type, uid, nsp);
        }
        JsonNode data = root.get("data");
        if (!(data instanceof ObjectNode)) {
            throw new ClusterProtocolException(type + " message without a data map");
        }
        String what = type.name();
        try {
            ClusterMessage.Payload payload = switch (type) {
                case BROADCAST -> new Broadcast(options(data, what), packet(data.get("packet"), nsp),
                        optionalText(data, "requestId", what));
                case SOCKETS_JOIN, SOCKETS_LEAVE -> new Rooms(options(data, what), stringSet(data.get("rooms"),
                        what + ".rooms"));
                case DISCONNECT_SOCKETS -> new DisconnectSockets(options(data, what), optionalBoolean(data, "close",
                        false, what));
                case FETCH_SOCKETS -> new FetchSockets(options(data, what), text(data, "requestId", what));
                case FETCH_SOCKETS_RESPONSE -> new FetchSocketsResponse(text(data, "requestId", what),
                        sockets(data.get("sockets")));
                case SERVER_SIDE_EMIT -> {
                    JsonNode packet = data.get("packet");
                    if (!(packet instanceof ArrayNode array) || array.isEmpty() || !array.get(0).isTextual()) {
                        throw new ClusterProtocolException("SERVER_SIDE_EMIT packet must be [event, args...]");
                    }
                    yield new ServerSideEmit(array, optionalText(data, "requestId", what));
                }
                case SERVER_SIDE_EMIT_RESPONSE -> new ServerSideEmitResponse(text(data, "requestId", what),
                        nodeToNull(data.get("packet")));
                case BROADCAST_CLIENT_COUNT -> {
                    JsonNode count = data.get("clientCount");
                    if (count == null || !count.isIntegralNumber() || !count.canConvertToInt() || count.intValue() < 0) {
                        throw new ClusterProtocolException("BROADCAST_CLIENT_COUNT without a valid clientCount: "
                                + count);
                    }
                    yield new BroadcastClientCount(text(data, "requestId", what), count.intValue());
                }
                case BROADCAST_ACK -> new BroadcastAck(text(data, "requestId", what), nodeToNull(data.get("packet")));
                default -> throw new IllegalStateException(type.name());
            };
            return new ClusterMessage(type, uid, nsp, payload);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ClusterProtocolException("Invalid " + type + " message: " + e.getMessage(), e);
        }
    }

    private static JsonNode nullToNode(JsonNode node) {
        return node == null ? NullNode.getInstance() : node;
    }

    private static JsonNode nodeToNull(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private ArrayNode strings(Set<String> values) {
        ArrayNode array = nodes.arrayNode(values.size());
        values.forEach(array::add);
        return array;
    }

    private ObjectNode options(BroadcastOptions options) {
        ObjectNode opts = nodes.objectNode();
        opts.set("rooms", strings(options.rooms()));
        opts.set("except", strings(options.except()));
        ObjectNode flags = opts.putObject("flags");
        BroadcastOptions.Flags f = options.flags();
        if (f.volatile_()) {
            flags.put("volatile", true);
        }
        flags.put("compress", f.compress());
        if (f.local()) {
            flags.put("local", true);
        }
        if (f.timeout() != null) {
            flags.put("timeout", f.timeout().toMillis());
        }
        return opts;
    }

    private BroadcastOptions options(JsonNode data, String what) {
        JsonNode opts = data.get("opts");
        if (!(opts instanceof ObjectNode)) {
            throw new ClusterProtocolException(what + " without opts");
        }
        Set<String> rooms = stringSet(opts.get("rooms"), what + ".opts.rooms");
        Set<String> except = stringSet(opts.get("except"), what + ".opts.except");
        JsonNode flags = opts.get("flags");
        BroadcastOptions.Flags f = BroadcastOptions.Flags.NONE;
        if (flags != null && !flags.isNull()) {
            if (!flags.isObject()) {
                throw new ClusterProtocolException(what + ".opts.flags is not a map");
            }
            JsonNode timeout = flags.get("timeout");
            Duration duration = null;
            if (timeout != null && !timeout.isNull()) {
                if (!timeout.isNumber() || timeout.asLong() < 0) {
                    throw new ClusterProtocolException(what + ".opts.flags.timeout is not a duration: " + timeout);
                }
                duration = Duration.ofMillis(timeout.asLong());
            }
            f = new BroadcastOptions.Flags(optionalBoolean(flags, "volatile", false, what),
                    optionalBoolean(flags, "compress", true, what), optionalBoolean(flags, "local", false, what),
                    duration);
        }
        return new BroadcastOptions(rooms, except, f);
    }

    private ObjectNode packet(SocketIOPacket packet) {
        ObjectNode node = nodes.objectNode();
        node.put("type", packet.type().code());
        node.put("nsp", packet.namespace());
        if (packet.data() != null) {
            node.set("data", packet.data());
        }
        if (packet.hasAckId()) {
            node.put("id", packet.ackId());
        }
        return node;
    }

    private SocketIOPacket packet(JsonNode node, String nsp) {
        if (!(node instanceof ObjectNode)) {
            throw new ClusterProtocolException("BROADCAST without a packet map");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isIntegralNumber() || type.asLong() < 0 || type.asLong() > 6) {
            throw new ClusterProtocolException("Bad Socket.IO packet type in BROADCAST: " + type);
        }
        JsonNode packetNsp = node.get("nsp");
        if (packetNsp != null && !packetNsp.isNull() && !packetNsp.isTextual()) {
            throw new ClusterProtocolException("Bad packet namespace in BROADCAST: " + packetNsp);
        }
        String namespace = packetNsp == null || packetNsp.isNull() ? nsp : packetNsp.textValue();
        JsonNode id = node.get("id");
        long ackId = SocketIOPacket.NO_ACK;
        if (id != null && !id.isNull()) {
            if (!id.isIntegralNumber() || !id.canConvertToLong() || id.longValue() < 0) {
                throw new ClusterProtocolException("Bad packet id in BROADCAST: " + id);
            }
            ackId = id.longValue();
        }
        PacketType packetType = PacketType.of(type.intValue());
        JsonNode data = nodeToNull(node.get("data"));
        boolean eventOrAck = packetType == PacketType.EVENT || packetType == PacketType.BINARY_EVENT
                || packetType == PacketType.ACK || packetType == PacketType.BINARY_ACK;
        if (eventOrAck && !(data instanceof ArrayNode)) {
            throw new ClusterProtocolException("A " + packetType + " packet needs an array of data");
        }
        if ((packetType == PacketType.EVENT || packetType == PacketType.BINARY_EVENT) && (data.isEmpty()
                || !(data.get(0).isTextual() || data.get(0).isNumber()))) {
            throw new ClusterProtocolException("An EVENT packet starts with the event name");
        }
        return new SocketIOPacket(packetType, namespace, ackId, data);
    }

    private ObjectNode handshake(Handshake handshake) {
        ObjectNode node = nodes.objectNode();
        node.set("headers", multiMap(handshake.headers()));
        if (handshake.issued() != null) {
            node.put("time", JS_DATE.format(handshake.issued()));
        }
        node.put("address", handshake.address());
        node.put("xdomain", handshake.headers() != null && handshake.headers().containsKey("origin"));
        node.put("secure", handshake.secure());
        if (handshake.issued() != null) {
            node.put("issued", handshake.issued().toEpochMilli());
        } else {
            node.putNull("issued");
        }
        node.put("url", handshake.url());
        node.set("query", multiMap(handshake.query()));
        node.set("auth", handshake.auth() == null ? NullNode.getInstance() : handshake.auth());
        return node;
    }

    /** Like Node.js: one value as a string, several as an array. */
    private ObjectNode multiMap(Map<String, List<String>> map) {
        ObjectNode node = nodes.objectNode();
        if (map != null) {
            map.forEach((name, values) -> {
                if (values != null && values.size() == 1) {
                    node.put(name, values.get(0));
                } else {
                    ArrayNode array = node.putArray(name);
                    if (values != null) {
                        values.forEach(array::add);
                    }
                }
            });
        }
        return node;
    }

    private Map<String, List<String>> multiMap(JsonNode node, String what) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new ClusterProtocolException(what + " is not a map");
        }
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode value = entry.getValue();
            if (value.isArray()) {
                List<String> values = new ArrayList<>(value.size());
                for (JsonNode item : value) {
                    values.add(item.asText());
                }
                map.put(entry.getKey(), List.copyOf(values));
            } else {
                map.put(entry.getKey(), List.of(value.asText()));
            }
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    private Handshake handshake(JsonNode node) {
        if (!(node instanceof ObjectNode)) {
            throw new ClusterProtocolException("FETCH_SOCKETS_RESPONSE socket without a handshake map");
        }
        JsonNode issued = node.get("issued");
        Instant instant = issued == null || !issued.isNumber() ? null : Instant.ofEpochMilli(issued.asLong());
        JsonNode auth = node.get("auth");
        JsonNode address = node.get("address");
        JsonNode url = node.get("url");
        JsonNode secure = node.get("secure");
        return new Handshake(multiMap(node.get("headers"), "handshake.headers"),
                multiMap(node.get("query"), "handshake.query"),
                address == null || address.isNull() ? null : address.asText(),
                secure != null && secure.asBoolean(),
                url == null || url.isNull() ? null : url.asText(),
                instant,
                auth instanceof ObjectNode object ? object : null);
    }

    private List<SocketDetails> sockets(JsonNode node) {
        if (!(node instanceof ArrayNode array)) {
            throw new ClusterProtocolException("FETCH_SOCKETS_RESPONSE without a sockets array");
        }
        List<SocketDetails> sockets = new ArrayList<>(array.size());
        for (JsonNode s : array) {
            if (!(s instanceof ObjectNode)) {
                throw new ClusterProtocolException("FETCH_SOCKETS_RESPONSE socket is not a map");
            }
            sockets.add(new SocketDetails(text(s, "id", "socket"), handshake(s.get("handshake")),
                    stringSet(s.get("rooms"), "socket.rooms"), nodeToNull(s.get("data"))));
        }
        return sockets;
    }

    private static String text(JsonNode parent, String field, String what) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isTextual()) {
            throw new ClusterProtocolException(what + " without a string " + field);
        }
        return node.textValue();
    }

    private static String optionalText(JsonNode parent, String field, String what) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new ClusterProtocolException(what + "." + field + " is not a string");
        }
        return node.textValue();
    }

    private static boolean optionalBoolean(JsonNode parent, String field, boolean absent, String what) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isBoolean()) {
            throw new ClusterProtocolException(what + " flag " + field + " is not a boolean");
        }
        return node.booleanValue();
    }

    private static Set<String> stringSet(JsonNode node, String what) {
        if (node == null || node.isNull()) {
            return Set.of();
        }
        if (!node.isArray()) {
            throw new ClusterProtocolException(what + " is not an array");
        }
        Set<String> set = new LinkedHashSet<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new ClusterProtocolException(what + " holds a " + item.getNodeType() + ", not a string");
            }
            set.add(item.textValue());
        }
        return java.util.Collections.unmodifiableSet(set);
    }

    // ---------------------------------------------------------------- bounded MessagePack reader

    /**
     * Reads one MessagePack value spanning exactly the given bytes into a Jackson tree: {@code bin} becomes a
     * {@link BinaryNode}, the Node.js {@code undefined} extension (notepack.io) {@code null}, its Date extension an
     * ISO string; other extensions are refused.
     *
     * @throws ClusterProtocolException for truncated, oversized, too deeply nested or malformed input
     */
    public JsonNode readTree(byte[] bytes, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > bytes.length) {
            throw new IllegalArgumentException("Bad range " + offset + "+" + length + " of " + bytes.length);
        }
        if (length == 0) {
            throw new ClusterProtocolException("Empty cluster message");
        }
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes, offset, length)) {
            JsonNode value = readValue(unpacker, length, 0);
            if (unpacker.hasNext()) {
                throw new ClusterProtocolException("Trailing bytes after the cluster message: "
                        + (length - unpacker.getTotalReadBytes()));
            }
            return value;
        } catch (ClusterProtocolException e) {
            throw e;
        } catch (MessagePackException | IOException | StackOverflowError e) {
            throw new ClusterProtocolException("Malformed MessagePack in cluster message: " + e, e);
        }
    }

    private JsonNode readValue(MessageUnpacker in, int length, int depth) throws IOException {
        MessageFormat format = in.getNextFormat();
        switch (format.getValueType()) {
            case NIL:
                in.unpackNil();
                return NullNode.getInstance();
            case BOOLEAN:
                return BooleanNode.valueOf(in.unpackBoolean());
            case INTEGER:
                if (format == MessageFormat.UINT64) {
                    BigInteger big = in.unpackBigInteger();
                    return big.bitLength() < 64 ? LongNode.valueOf(big.longValue()) : BigIntegerNode.valueOf(big);
                }
                long value = in.unpackLong();
                return value == (int) value ? IntNode.valueOf((int) value) : LongNode.valueOf(value);
            case FLOAT:
                return DoubleNode.valueOf(in.unpackDouble());
            case STRING: {
                int size = checkSize(in.unpackRawStringHeader(), 1, in, length, "string");
                return TextNode.valueOf(new String(in.readPayload(size), StandardCharsets.UTF_8));
            }
            case BINARY: {
                int size = checkSize(in.unpackBinaryHeader(), 1, in, length, "binary");
                return BinaryNode.valueOf(in.readPayload(size));
            }
            case ARRAY: {
                int size = checkSize(in.unpackArrayHeader(), 1, in, length, "array");
                checkDepth(depth);
                ArrayNode array = nodes.arrayNode(Math.min(size, 1024));
                for (int i = 0; i < size; i++) {
                    array.add(readValue(in, length, depth + 1));
                }
                return array;
            }
            case MAP: {
                int size = checkSize(in.unpackMapHeader(), 2, in, length, "map");
                checkDepth(depth);
                ObjectNode map = nodes.objectNode();
                for (int i = 0; i < size; i++) {
                    MessageFormat keyFormat = in.getNextFormat();
                    if (keyFormat.getValueType() != org.msgpack.value.ValueType.STRING) {
                        throw new ClusterProtocolException("A map key must be a string, not " + keyFormat);
                    }
                    int keySize = checkSize(in.unpackRawStringHeader(), 1, in, length, "map key");
                    String key = new String(in.readPayload(keySize), StandardCharsets.UTF_8);
                    map.set(key, readValue(in, length, depth + 1));
                }
                return map;
            }
            case EXTENSION: {
                ExtensionTypeHeader header = in.unpackExtensionTypeHeader();
                int size = checkSize(header.getLength(), 1, in, length, "extension");
                byte[] payload = in.readPayload(size);
                if (header.getType() == 0 && size == 1) {
                    return NullNode.getInstance();
                }
                if (header.getType() == 0 && size == 8) {
                    long bits = 0;
                    for (byte b : payload) {
                        bits = (bits << 8) | (b & 0xFF);
                    }
                    double millis = Double.longBitsToDouble(bits);
                    if (Double.isFinite(millis)) {
                        return TextNode.valueOf(JS_DATE.format(Instant.ofEpochMilli((long) millis)));
                    }
                }
                throw new ClusterProtocolException("Unsupported MessagePack extension type " + header.getType()
                        + " of " + size + " bytes");
            }
            default:
                throw new ClusterProtocolException("Invalid MessagePack format byte: " + format);
        }
    }

    /** A declared count must fit in the bytes left (each element takes at least {@code minBytes}). */
    private static int checkSize(long declared, int minBytes, MessageUnpacker in, int length, String what) {
        long left = length - in.getTotalReadBytes();
        if (declared < 0 || declared * minBytes > left) {
            throw new ClusterProtocolException("Truncated cluster message: a " + what + " of " + declared
                    + " declared with " + left + " bytes left");
        }
        return (int) declared;
    }

    private void checkDepth(int depth) {
        if (depth >= maxDepth) {
            throw new ClusterProtocolException("Cluster message nested deeper than " + maxDepth + " levels");
        }
    }
}
