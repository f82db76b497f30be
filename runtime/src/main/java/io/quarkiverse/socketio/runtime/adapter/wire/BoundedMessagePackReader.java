package io.quarkiverse.socketio.runtime.adapter.wire;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

import com.fasterxml.jackson.databind.JsonNode;
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

import io.quarkiverse.socketio.runtime.cluster.wire.ClusterProtocolException;

/**
 * Reads one MessagePack value into a Jackson tree, with limits, for bytes that come from other processes or hosts.
 * Written here rather than with jackson-dataformat-msgpack's parser, which allocates what a declared length asks for
 * before it knows the bytes are there: every declared string, binary, array or map length is checked against the bytes
 * left first, nesting is limited, and trailing bytes are refused. {@code bin} becomes a {@link BinaryNode}; the
 * extensions Node's encoders write become what a JSON reader of the same message would see: the timestamp (type -1)
 * and notepack's old Date (type 0, 8 bytes) an ISO text, notepack's {@code undefined} (type 0, 1 byte) null. Other
 * extensions are refused. Instances are thread-safe.
 */
public final class BoundedMessagePackReader {

    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final int maxDepth;
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;

    /** @param maxDepth the deepest nesting of arrays and maps accepted */
    public BoundedMessagePackReader(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    /**
     * The value spanning exactly {@code length} bytes from {@code offset}.
     *
     * @throws ClusterProtocolException for truncated, oversized, too deeply nested or malformed input
     */
    public JsonNode read(byte[] bytes, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > bytes.length) {
            throw new IllegalArgumentException("Bad range " + offset + "+" + length + " of " + bytes.length);
        }
        if (length == 0) {
            throw new ClusterProtocolException("Empty message");
        }
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes, offset, length)) {
            JsonNode value = readValue(unpacker, length, 0);
            if (unpacker.hasNext()) {
                throw new ClusterProtocolException("Trailing bytes after the message: "
                        + (length - unpacker.getTotalReadBytes()));
            }
            return value;
        } catch (ClusterProtocolException e) {
            throw e;
        } catch (MessagePackException | IOException | StackOverflowError e) {
            throw new ClusterProtocolException("Malformed MessagePack: " + e, e);
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
                    if (keyFormat.getValueType() != ValueType.STRING) {
                        throw new ClusterProtocolException("A map key must be a string, not " + keyFormat);
                    }
                    int keySize = checkSize(in.unpackRawStringHeader(), 1, in, length, "map key");
                    String key = new String(in.readPayload(keySize), StandardCharsets.UTF_8);
                    map.set(key, readValue(in, length, depth + 1));
                }
                return map;
            }
            case EXTENSION:
                return extension(in, length);
            default:
                throw new ClusterProtocolException("Invalid MessagePack format byte: " + format);
        }
    }

    private JsonNode extension(MessageUnpacker in, int length) throws IOException {
        ExtensionTypeHeader header = in.unpackExtensionTypeHeader();
        int size = checkSize(header.getLength(), 1, in, length, "extension");
        byte[] payload = in.readPayload(size);
        byte type = header.getType();
        if (type == 0 && size == 1) {
            return NullNode.getInstance(); // notepack's undefined
        }
        if (type == 0 && size == 8) {
            double millis = Double.longBitsToDouble(bigEndian(payload, 0, 8)); // notepack's old Date
            if (Double.isFinite(millis)) {
                return TextNode.valueOf(ISO_MILLIS.format(Instant.ofEpochMilli((long) millis)));
            }
        }
        if (type == -1 && (size == 4 || size == 8 || size == 12)) {
            return TextNode.valueOf(ISO_MILLIS.format(timestamp(payload))); // the standard timestamp (a JS Date)
        }
        throw new ClusterProtocolException("Unsupported MessagePack extension type " + type + " of " + size
                + " bytes");
    }

    /** The MessagePack timestamp extension: 32-bit seconds; 30-bit nanoseconds and 34-bit seconds; or 32 + 64. */
    private static Instant timestamp(byte[] payload) {
        if (payload.length == 4) {
            return Instant.ofEpochSecond(bigEndian(payload, 0, 4));
        }
        if (payload.length == 8) {
            long bits = bigEndian(payload, 0, 8);
            return Instant.ofEpochSecond(bits & 0x3_FFFF_FFFFL, bits >>> 34);
        }
        return Instant.ofEpochSecond(bigEndian(payload, 4, 8), bigEndian(payload, 0, 4));
    }

    private static long bigEndian(byte[] bytes, int from, int count) {
        long value = 0;
        for (int i = from; i < from + count; i++) {
            value = (value << 8) | (bytes[i] & 0xFF);
        }
        return value;
    }

    /** A declared count must fit in the bytes left (each element takes at least {@code minBytes}). */
    private static int checkSize(long declared, int minBytes, MessageUnpacker in, int length, String what) {
        long left = length - in.getTotalReadBytes();
        if (declared < 0 || declared * minBytes > left) {
            throw new ClusterProtocolException("Truncated message: a " + what + " of " + declared
                    + " declared with " + left + " bytes left");
        }
        return (int) declared;
    }

    private void checkDepth(int depth) {
        if (depth >= maxDepth) {
            throw new ClusterProtocolException("Message nested deeper than " + maxDepth + " levels");
        }
    }
}
