package io.quarkiverse.socketio.runtime.parser;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Decodes the Socket.IO v5 packets one client sends: {@code <type>[<attachments>-][<nsp>,][<ack id>][<json>]}, a
 * binary packet being followed by its attachments as separate binary messages.
 * <p>
 * One instance per client connection; not thread-safe (it holds the binary packet awaiting its attachments). Feed
 * it the Engine.IO message payloads in order: text ones to {@link #decodeText(String)}, binary ones to
 * {@link #addAttachment(byte[])}.
 * <p>
 * The decoded packets are normalised: BINARY_EVENT and BINARY_ACK come out as {@link PacketType#EVENT} and
 * {@link PacketType#ACK}, with each placeholder replaced by a {@link BinaryNode} of its attachment, so the layer
 * above only sees EVENT and ACK. Floating-point numbers are decoded as exact {@link java.math.BigDecimal}s (trailing
 * zeros kept) and big integers as {@link java.math.BigInteger}s, so re-encoding a packet gives back its text.
 * <p>
 * Anything malformed throws a {@link SocketIOProtocolException}, after which the connection should be closed (the
 * decoder itself is reset and stays usable).
 */
public final class SocketIOPacketDecoder {

    /**
     * Default limit on the attachments one binary packet may announce. Every announced attachment is held in memory
     * until the last one arrives, so without a limit a client could announce thousands and pin that many frames of
     * up to {@code maxHttpBufferSize} each; 10 bounds the memory per client while leaving room for far more binary
     * arguments than real events carry.
     */
    public static final int DEFAULT_MAX_ATTACHMENTS = 10;

    /** Event names the client may not use (they are emitted locally by the Socket.IO libraries). */
    public static final Set<String> RESERVED_EVENTS = Set.of(
            "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    private static final String PLACEHOLDER = "_placeholder";
    private static final String NUM = "num";

    private final ObjectReader reader;
    private final int maxAttachments;

    // The binary packet awaiting its attachments, if any.
    private PacketType pendingType;
    private String pendingNamespace;
    private long pendingAckId;
    private JsonNode pendingData;
    private Slot[] pendingSlots;
    private int received;

    /** A decoder accepting at most {@link #DEFAULT_MAX_ATTACHMENTS} attachments per packet. */
    public SocketIOPacketDecoder(ObjectMapper mapper) {
        this(mapper, DEFAULT_MAX_ATTACHMENTS);
    }

    /**
     * @param maxAttachments the most attachments one binary packet may announce (see
     *        {@link #DEFAULT_MAX_ATTACHMENTS})
     */
    public SocketIOPacketDecoder(ObjectMapper mapper, int maxAttachments) {
        this(strictReader(mapper), maxAttachments);
    }

    /**
     * A decoder that parses with {@code strictReader}, built once by {@link #strictReader(ObjectMapper)} and shared by
     * the decoders of every connection (building it takes a handful of configuration copies per call).
     *
     * @param maxAttachments the most attachments one binary packet may announce (see
     *        {@link #DEFAULT_MAX_ATTACHMENTS})
     */
    public SocketIOPacketDecoder(ObjectReader strictReader, int maxAttachments) {
        Objects.requireNonNull(strictReader, "strictReader");
        if (maxAttachments < 0) {
            throw new IllegalArgumentException("maxAttachments must not be negative: " + maxAttachments);
        }
        this.maxAttachments = maxAttachments;
        this.reader = strictReader;
    }

    /**
     * The reader a decoder parses packets with: strict JSON whatever the application's mapper allows, exact numbers,
     * nothing after the value.
     */
    public static ObjectReader strictReader(ObjectMapper mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return mapper.reader()
                .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .withoutFeatures(
                        JsonReadFeature.ALLOW_JAVA_COMMENTS,
                        JsonReadFeature.ALLOW_YAML_COMMENTS,
                        JsonReadFeature.ALLOW_SINGLE_QUOTES,
                        JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
                        JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS,
                        JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER,
                        JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS,
                        JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
                        JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
                        JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS,
                        JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS,
                        JsonReadFeature.ALLOW_MISSING_VALUES,
                        JsonReadFeature.ALLOW_TRAILING_COMMA);
    }

    /** The most attachments one binary packet may announce. */
    public int maxAttachments() {
        return maxAttachments;
    }

    /** Whether a binary packet was decoded and still awaits attachments. */
    public boolean awaitingAttachments() {
        return pendingSlots != null;
    }

    /**
     * Decodes a text packet.
     *
     * @param text the Socket.IO packet text, without the Engine.IO message prefix {@code 4}
     * @return the packet, or {@code null} when it is a binary packet now awaiting its attachments
     * @throws SocketIOProtocolException if the packet is malformed, or attachments are still awaited
     */
    public SocketIOPacket decodeText(String text) {
        Objects.requireNonNull(text, "text");
        if (pendingSlots != null) {
            int missing = pendingSlots.length - received;
            reset();
            throw error("text packet received while " + missing + " binary attachment(s) were still awaited");
        }
        int length = text.length();
        if (length == 0) {
            throw error("empty packet");
        }
        char first = text.charAt(0);
        if (first < '0' || first > '6') {
            throw error("unknown packet type '" + first + "'");
        }
        PacketType type = PacketType.of(first - '0');
        int i = 1;

        // [<attachments>-]
        int attachments = 0;
        int digitsEnd = skipDigits(text, i);
        if (type.isBinary()) {
            if (digitsEnd == i) {
                throw error("missing attachment count in " + type + " packet");
            }
            if (digitsEnd == length || text.charAt(digitsEnd) != '-') {
                throw error("attachment count of " + type + " packet must be followed by '-'");
            }
            if (digitsEnd - i > 9 || (attachments = Integer.parseInt(text, i, digitsEnd, 10)) > maxAttachments) {
                throw error("too many attachments: " + text.substring(i, Math.min(digitsEnd, i + 20))
                        + " (limit " + maxAttachments + ")");
            }
            i = digitsEnd + 1;
        } else if (digitsEnd > i && digitsEnd < length && text.charAt(digitsEnd) == '-') {
            throw error("attachment count on non-binary packet type " + type);
        }

        // [<nsp>,]
        String namespace = SocketIOPacket.DEFAULT_NAMESPACE;
        boolean hasNamespace = false;
        if (i < length && text.charAt(i) == '/') {
            int comma = text.indexOf(',', i);
            if (comma < 0) {
                // Like the reference parser: a namespace at the end of the packet needs no comma ("40/admin").
                namespace = text.substring(i);
                i = length;
            } else {
                namespace = text.substring(i, comma);
                i = comma + 1;
            }
            hasNamespace = true;
        }

        // [<ack id>]: the run of digits before the JSON, which starts with '[', '{' or '"'
        long ackId = SocketIOPacket.NO_ACK;
        digitsEnd = skipDigits(text, i);
        if (digitsEnd > i) {
            if (digitsEnd - i > 19) {
                throw error("ack id out of range: " + text.substring(i, Math.min(digitsEnd, i + 40)));
            }
            try {
                ackId = Long.parseLong(text, i, digitsEnd, 10);
            } catch (NumberFormatException e) {
                throw error("ack id out of range: " + text.substring(i, digitsEnd));
            }
            i = digitsEnd;
        }

        // [<json>]
        JsonNode data = null;
        if (i < length) {
            char c = text.charAt(i);
            if (c != '[' && c != '{' && c != '"') {
                String expected = ackId >= 0 ? "the JSON data"
                        : hasNamespace ? "an ack id or the JSON data"
                                : "a namespace starting with '/', an ack id or the JSON data";
                throw error("unexpected character '" + c + "' at index " + i + ", expected " + expected);
            }
            data = parseJson(text, i);
        }

        validate(type, ackId, data);

        if (!type.isBinary()) {
            if (data != null && data.isContainerNode()) {
                checkNoPlaceholder(data);
            }
            return new SocketIOPacket(type, namespace, ackId, data);
        }
        Slot[] slots = new Slot[attachments];
        int found = collectPlaceholders(data, slots, 0);
        if (found != attachments) {
            for (int num = 0; num < attachments; num++) {
                if (slots[num] == null) {
                    throw error("attachment " + num + " of " + attachments + " is not referenced by any placeholder");
                }
            }
        }
        if (attachments == 0) {
            return new SocketIOPacket(type, namespace, ackId, data);
        }
        pendingType = type;
        pendingNamespace = namespace;
        pendingAckId = ackId;
        pendingData = data;
        pendingSlots = slots;
        received = 0;
        return null;
    }

    /**
     * Adds the next attachment of the awaited binary packet. The decoder takes ownership of the array: the packet's
     * {@link BinaryNode} wraps it without copying.
     *
     * @return the completed packet once its last attachment arrived, else {@code null}
     * @throws SocketIOProtocolException if no binary packet awaits attachments
     */
    public SocketIOPacket addAttachment(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (pendingSlots == null) {
            throw error("unexpected binary attachment: no binary packet awaits attachments");
        }
        pendingSlots[received].fill(BinaryNode.valueOf(bytes));
        received++;
        if (received < pendingSlots.length) {
            return null;
        }
        SocketIOPacket packet = new SocketIOPacket(pendingType, pendingNamespace, pendingAckId, pendingData);
        reset();
        return packet;
    }

    /** Drops the binary packet awaiting attachments, if any. */
    public void reset() {
        pendingType = null;
        pendingNamespace = null;
        pendingAckId = SocketIOPacket.NO_ACK;
        pendingData = null;
        pendingSlots = null;
        received = 0;
    }

    private JsonNode parseJson(String text, int start) {
        try {
            return reader.readTree(text.substring(start));
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            String where = location != null && location.getCharOffset() >= 0
                    ? " at index " + (start + location.getCharOffset())
                    : "";
            throw error("invalid JSON data" + where + ": " + e.getOriginalMessage());
        }
    }

    private static void validate(PacketType type, long ackId, JsonNode data) {
        switch (type) {
            case CONNECT -> {
                noAckId(type, ackId);
                if (data != null && !data.isObject()) {
                    throw error("CONNECT data must be a JSON object, not " + kind(data));
                }
            }
            case DISCONNECT -> {
                noAckId(type, ackId);
                if (data != null) {
                    throw error("DISCONNECT packet must carry no data");
                }
            }
            case EVENT, BINARY_EVENT -> {
                if (data == null) {
                    throw error(type + " packet has no data");
                }
                if (!data.isArray()) {
                    throw error(type + " data must be an array, not " + kind(data));
                }
                if (data.isEmpty()) {
                    throw error(type + " data must not be empty: the first element is the event name");
                }
                JsonNode name = data.get(0);
                if (name.isTextual()) {
                    if (RESERVED_EVENTS.contains(name.textValue())) {
                        throw error("reserved event name \"" + name.textValue() + "\"");
                    }
                } else if (!name.isNumber()) {
                    throw error("event name must be a string or a number, not " + kind(name));
                }
            }
            case ACK, BINARY_ACK -> {
                if (ackId < 0) {
                    throw error(type + " packet has no ack id");
                }
                if (data == null) {
                    throw error(type + " packet has no data");
                }
                if (!data.isArray()) {
                    throw error(type + " data must be an array, not " + kind(data));
                }
            }
            case CONNECT_ERROR -> {
                noAckId(type, ackId);
                if (data == null) {
                    throw error("CONNECT_ERROR packet has no data");
                }
                if (!data.isObject() && !data.isTextual()) {
                    throw error("CONNECT_ERROR data must be a JSON object or a string, not " + kind(data));
                }
            }
        }
    }

    private static void noAckId(PacketType type, long ackId) {
        if (ackId >= 0) {
            throw error(type + " packet cannot carry an ack id");
        }
    }

    /** In a non-binary packet, no object may look like a placeholder: clients would read it as one. */
    private static void checkNoPlaceholder(JsonNode node) {
        if (node.isObject()) {
            if (isPlaceholder(node)) {
                throw error("placeholder object in a non-binary packet");
            }
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (field.getValue().isContainerNode()) {
                    checkNoPlaceholder(field.getValue());
                }
            }
        } else if (node.isArray()) {
            for (int i = 0, n = node.size(); i < n; i++) {
                JsonNode child = node.get(i);
                if (child.isContainerNode()) {
                    checkNoPlaceholder(child);
                }
            }
        }
    }

    /**
     * Records where each placeholder under {@code container} is (binary packet data is an array, never itself a
     * placeholder) and checks it.
     *
     * @return {@code found} plus the number of placeholders found
     */
    private static int collectPlaceholders(JsonNode container, Slot[] slots, int found) {
        if (container.isArray()) {
            ArrayNode array = (ArrayNode) container;
            for (int i = 0, n = array.size(); i < n; i++) {
                JsonNode child = array.get(i);
                if (isPlaceholder(child)) {
                    register(child, new Slot(array, i, null), slots);
                    found++;
                } else if (child.isContainerNode()) {
                    found = collectPlaceholders(child, slots, found);
                }
            }
        } else if (container.isObject()) {
            ObjectNode object = (ObjectNode) container;
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                JsonNode child = field.getValue();
                if (isPlaceholder(child)) {
                    register(child, new Slot(object, -1, field.getKey()), slots);
                    found++;
                } else if (child.isContainerNode()) {
                    found = collectPlaceholders(child, slots, found);
                }
            }
        }
        return found;
    }

    /** An object whose {@code _placeholder} is {@code true} is a placeholder, well-formed or not. */
    private static boolean isPlaceholder(JsonNode node) {
        if (!node.isObject()) {
            return false;
        }
        JsonNode marker = node.get(PLACEHOLDER);
        return marker != null && marker.isBoolean() && marker.booleanValue();
    }

    private static void register(JsonNode placeholder, Slot slot, Slot[] slots) {
        JsonNode num = placeholder.get(NUM);
        if (placeholder.size() != 2 || num == null || !num.isIntegralNumber() || !num.canConvertToInt()) {
            throw error("malformed placeholder " + abbreviate(placeholder.toString())
                    + ", expected {\"_placeholder\":true,\"num\":<int>}");
        }
        int index = num.intValue();
        if (index < 0 || index >= slots.length) {
            throw error("placeholder num " + index + " out of range, the packet announces " + slots.length
                    + " attachment(s)");
        }
        if (slots[index] != null) {
            throw error("placeholder num " + index + " used more than once");
        }
        slots[index] = slot;
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static int skipDigits(String text, int from) {
        int i = from;
        int length = text.length();
        while (i < length) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            i++;
        }
        return i;
    }

    private static SocketIOProtocolException error(String message) {
        return new SocketIOProtocolException("Invalid Socket.IO packet: " + message);
    }

    /** Where a placeholder sits: the attachment replaces it there. */
    private record Slot(JsonNode parent, int index, String field) {

        void fill(BinaryNode binary) {
            if (field == null) {
                ((ArrayNode) parent).set(index, binary);
            } else {
                ((ObjectNode) parent).set(field, binary);
            }
        }
    }
}
