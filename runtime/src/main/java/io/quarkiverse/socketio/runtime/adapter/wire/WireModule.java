package io.quarkiverse.socketio.runtime.adapter.wire;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;

import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterProtocolException;
import io.quarkiverse.socketio.runtime.parser.PacketType;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;

/**
 * How the types the adapters exchange look on the wire, as Node's adapters write them, for Jackson (JSON or
 * MessagePack alike): the broadcast options {@code {rooms: [...], except: [...], flags: {...}}} with only the flags
 * that are set, the unencoded Socket.IO packet {@code {type, data, nsp?, id?}} (binary stays bytes, no placeholders),
 * and a socket's handshake as a Node socket has it. Reading is strict about types and lenient about what Node may leave
 * out. Errors are {@link ClusterProtocolException}s naming the field.
 */
public final class WireModule extends SimpleModule {

    /** {@code Date.toString()} of JavaScript, the shape of a Node handshake's {@code time}. */
    private static final DateTimeFormatter JS_DATE = DateTimeFormatter
            .ofPattern("EEE MMM dd yyyy HH:mm:ss 'GMT'xx '('zzzz')'", Locale.US).withZone(ZoneId.of("UTC"));

    /** @param packetNamespace whether packets carry their namespace (Node's classic Redis adapter writes it) */
    public WireModule(boolean packetNamespace) {
        super("socketio-wire");
        addSerializer(BroadcastOptions.class, new OptionsSerializer());
        addDeserializer(BroadcastOptions.class, new OptionsDeserializer());
        addSerializer(SocketIOPacket.class, new PacketSerializer(packetNamespace));
        addDeserializer(SocketIOPacket.class, new PacketDeserializer());
        addSerializer(Handshake.class, new HandshakeSerializer());
        addDeserializer(Handshake.class, new HandshakeDeserializer());
    }

    /**
     * A mapper for the wire, over {@code factory} (JSON or MessagePack), with this module: strict about types (no
     * number as text, no float as int), lenient about fields it does not know, {@code null}s left out.
     */
    public static ObjectMapper mapper(JsonFactory factory, boolean packetNamespace) {
        ObjectMapper mapper = new ObjectMapper(factory);
        mapper.registerModule(new WireModule(packetNamespace));
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.setSerializationInclusion(JsonInclude.Include.NON_NULL);
        for (CoercionInputShape shape : new CoercionInputShape[] { CoercionInputShape.Integer,
                CoercionInputShape.Float, CoercionInputShape.Boolean }) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        for (CoercionInputShape shape : new CoercionInputShape[] { CoercionInputShape.String,
                CoercionInputShape.Float, CoercionInputShape.Boolean }) {
            mapper.coercionConfigFor(LogicalType.Integer).setCoercion(shape, CoercionAction.Fail);
        }
        for (CoercionInputShape shape : new CoercionInputShape[] { CoercionInputShape.String,
                CoercionInputShape.Integer }) {
            mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(shape, CoercionAction.Fail);
        }
        return mapper;
    }

    // ------------------------------------------------------------------ broadcast options

    private static final class OptionsSerializer extends JsonSerializer<BroadcastOptions> {
        @Override
        public void serialize(BroadcastOptions options, JsonGenerator out, SerializerProvider provider)
                throws IOException {
            out.writeStartObject();
            strings(out, "rooms", options.rooms());
            strings(out, "except", options.except());
            out.writeObjectFieldStart("flags");
            BroadcastOptions.Flags flags = options.flags();
            if (flags.volatile_()) {
                out.writeBooleanField("volatile", true);
            }
            if (!flags.compress()) {
                out.writeBooleanField("compress", false);
            }
            if (flags.local()) {
                out.writeBooleanField("local", true);
            }
            if (flags.timeout() != null) {
                out.writeNumberField("timeout", flags.timeout().toMillis());
            }
            out.writeEndObject();
            out.writeEndObject();
        }
    }

    private static final class OptionsDeserializer extends JsonDeserializer<BroadcastOptions> {
        @Override
        public BroadcastOptions deserialize(JsonParser in, DeserializationContext context) throws IOException {
            return options(in.readValueAsTree());
        }
    }

    /** The options of a tree: rooms and except (absent: empty), the flags Node may set (absent: unset). */
    public static BroadcastOptions options(JsonNode opts) {
        if (!(opts instanceof ObjectNode)) {
            throw new ClusterProtocolException("opts is not a map: " + opts);
        }
        Set<String> rooms = stringSet(opts.get("rooms"), "opts.rooms");
        Set<String> except = stringSet(opts.get("except"), "opts.except");
        JsonNode flags = opts.get("flags");
        if (flags == null || flags.isNull()) {
            return new BroadcastOptions(rooms, except, BroadcastOptions.Flags.NONE);
        }
        if (!flags.isObject()) {
            throw new ClusterProtocolException("opts.flags is not a map");
        }
        JsonNode timeout = flags.get("timeout");
        Duration duration = null;
        if (timeout != null && !timeout.isNull()) {
            if (!timeout.isNumber() || timeout.asLong() < 0) {
                throw new ClusterProtocolException("opts.flags.timeout is not a duration: " + timeout);
            }
            duration = Duration.ofMillis(timeout.asLong());
        }
        return new BroadcastOptions(rooms, except, new BroadcastOptions.Flags(flag(flags, "volatile", false),
                flag(flags, "compress", true), flag(flags, "local", false), duration));
    }

    // ------------------------------------------------------------------ packets

    private static final class PacketSerializer extends JsonSerializer<SocketIOPacket> {
        private final boolean namespace;

        PacketSerializer(boolean namespace) {
            this.namespace = namespace;
        }

        @Override
        public void serialize(SocketIOPacket packet, JsonGenerator out, SerializerProvider provider)
                throws IOException {
            out.writeStartObject();
            out.writeNumberField("type", packet.type().code());
            if (packet.data() != null) {
                out.writeFieldName("data");
                provider.defaultSerializeValue(packet.data(), out);
            }
            if (namespace) {
                out.writeStringField("nsp", packet.namespace());
            }
            if (packet.hasAckId()) {
                out.writeNumberField("id", packet.ackId());
            }
            out.writeEndObject();
        }
    }

    /** The attribute of a read that names the namespace of the message: a packet without its own is of this one. */
    static final String NAMESPACE_ATTRIBUTE = "socketio.nsp";

    private static final class PacketDeserializer extends JsonDeserializer<SocketIOPacket> {
        @Override
        public SocketIOPacket deserialize(JsonParser in, DeserializationContext context) throws IOException {
            return packet(in.readValueAsTree(), (String) context.getAttribute(NAMESPACE_ATTRIBUTE));
        }
    }

    /**
     * The packet of a tree: an EVENT or ACK needs an array of data (an EVENT's first element its name); the namespace
     * is the packet's own, else {@code nsp}, else {@code /}.
     */
    public static SocketIOPacket packet(JsonNode node, String nsp) {
        if (!(node instanceof ObjectNode)) {
            throw new ClusterProtocolException("A packet is a map, not " + node);
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isIntegralNumber() || type.asLong() < 0 || type.asLong() > 6) {
            throw new ClusterProtocolException("Bad Socket.IO packet type: " + type);
        }
        JsonNode packetNsp = node.get("nsp");
        if (packetNsp != null && !packetNsp.isNull() && !packetNsp.isTextual()) {
            throw new ClusterProtocolException("Bad packet namespace: " + packetNsp);
        }
        String namespace = packetNsp == null || packetNsp.isNull() ? nsp : packetNsp.textValue();
        JsonNode id = node.get("id");
        long ackId = SocketIOPacket.NO_ACK;
        if (id != null && !id.isNull()) {
            if (!id.isIntegralNumber() || !id.canConvertToLong() || id.longValue() < 0) {
                throw new ClusterProtocolException("Bad packet id: " + id);
            }
            ackId = id.longValue();
        }
        PacketType packetType = PacketType.of(type.intValue());
        JsonNode data = node.get("data");
        data = data == null || data.isNull() ? null : data;
        boolean event = packetType == PacketType.EVENT || packetType == PacketType.BINARY_EVENT;
        if ((event || packetType == PacketType.ACK || packetType == PacketType.BINARY_ACK)
                && (data == null || !data.isArray())) {
            throw new ClusterProtocolException("A " + packetType + " packet needs an array of data");
        }
        if (event && (data.isEmpty() || !(data.get(0).isTextual() || data.get(0).isNumber()))) {
            throw new ClusterProtocolException("An EVENT packet starts with the event name");
        }
        try {
            return new SocketIOPacket(packetType, namespace, ackId, data);
        } catch (IllegalArgumentException e) {
            throw new ClusterProtocolException("Bad packet: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ handshakes

    private static final class HandshakeSerializer extends JsonSerializer<Handshake> {
        @Override
        public void serialize(Handshake handshake, JsonGenerator out, SerializerProvider provider)
                throws IOException {
            out.writeStartObject();
            multiMap(out, "headers", handshake.headers());
            if (handshake.issued() != null) {
                out.writeStringField("time", JS_DATE.format(handshake.issued()));
            }
            out.writeStringField("address", handshake.address());
            out.writeBooleanField("xdomain", handshake.headers() != null && handshake.headers().containsKey("origin"));
            out.writeBooleanField("secure", handshake.secure());
            if (handshake.issued() != null) {
                out.writeNumberField("issued", handshake.issued().toEpochMilli());
            }
            out.writeStringField("url", handshake.url());
            multiMap(out, "query", handshake.query());
            out.writeFieldName("auth");
            if (handshake.auth() == null) {
                out.writeStartObject();
                out.writeEndObject();
            } else {
                provider.defaultSerializeValue(handshake.auth(), out);
            }
            out.writeEndObject();
        }

        /** Like Node.js: one value as a string, several as an array. */
        private static void multiMap(JsonGenerator out, String name, Map<String, List<String>> map)
                throws IOException {
            out.writeObjectFieldStart(name);
            if (map != null) {
                for (Map.Entry<String, List<String>> entry : map.entrySet()) {
                    List<String> values = entry.getValue();
                    if (values != null && values.size() == 1) {
                        out.writeStringField(entry.getKey(), values.get(0));
                    } else {
                        strings(out, entry.getKey(), values == null ? List.of() : values);
                    }
                }
            }
            out.writeEndObject();
        }
    }

    private static final class HandshakeDeserializer extends JsonDeserializer<Handshake> {
        @Override
        public Handshake deserialize(JsonParser in, DeserializationContext context) throws IOException {
            JsonNode node = in.readValueAsTree();
            if (!(node instanceof ObjectNode)) {
                throw new ClusterProtocolException("A handshake is a map, not " + node);
            }
            JsonNode issued = node.get("issued");
            JsonNode auth = node.get("auth");
            JsonNode address = node.get("address");
            JsonNode url = node.get("url");
            JsonNode secure = node.get("secure");
            return new Handshake(multiMap(node.get("headers"), "handshake.headers"),
                    multiMap(node.get("query"), "handshake.query"),
                    address == null || address.isNull() ? null : address.asText(),
                    secure != null && secure.asBoolean(),
                    url == null || url.isNull() ? null : url.asText(),
                    issued == null || !issued.isNumber() ? null : Instant.ofEpochMilli(issued.asLong()),
                    auth instanceof ObjectNode object ? object : null);
        }

        private static Map<String, List<String>> multiMap(JsonNode node, String what) {
            if (node == null || node.isNull()) {
                return Map.of();
            }
            if (!node.isObject()) {
                throw new ClusterProtocolException(what + " is not a map");
            }
            Map<String, List<String>> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(entry -> {
                JsonNode value = entry.getValue();
                if (value.isArray()) {
                    List<String> values = new ArrayList<>(value.size());
                    value.forEach(item -> values.add(item.asText()));
                    map.put(entry.getKey(), List.copyOf(values));
                } else {
                    map.put(entry.getKey(), List.of(value.asText()));
                }
            });
            return Collections.unmodifiableMap(map);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void strings(JsonGenerator out, String name, Iterable<String> values) throws IOException {
        out.writeArrayFieldStart(name);
        for (String value : values) {
            out.writeString(value);
        }
        out.writeEndArray();
    }

    private static boolean flag(JsonNode parent, String field, boolean absent) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isBoolean()) {
            throw new ClusterProtocolException("flag " + field + " is not a boolean");
        }
        return node.booleanValue();
    }

    /** An array of strings as an ordered set (absent: empty). */
    public static Set<String> stringSet(JsonNode node, String what) {
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
        return Collections.unmodifiableSet(set);
    }
}
