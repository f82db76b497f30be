package io.quarkiverse.socketio.runtime.parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Encodes {@link SocketIOPacket}s into the Socket.IO v5 wire format
 * {@code <type>[<attachments>-][<nsp>,][<ack id>][<json>]}.
 * <p>
 * The namespace is omitted for {@code /}; the JSON is compact and keeps the key order of the tree. Each
 * {@link com.fasterxml.jackson.databind.node.BinaryNode} of the data (depth-first, document order) is replaced by
 * {@code {"_placeholder":true,"num":i}} and its bytes become attachment {@code i}; the packet type then becomes
 * BINARY_EVENT or BINARY_ACK. The packet's data is never modified: the containers on the path to a binary node are
 * copied, everything else is shared.
 * <p>
 * Thread-safe and stateless: share one instance. Encode a packet once and send the resulting {@link EncodedPacket}
 * to all its recipients.
 */
public final class SocketIOPacketEncoder {

    private static final String PLACEHOLDER = "_placeholder";
    private static final String NUM = "num";

    private final ObjectWriter writer;
    private final JsonNodeFactory nodes;

    public SocketIOPacketEncoder(ObjectMapper mapper) {
        Objects.requireNonNull(mapper, "mapper");
        // Whatever the application configured on its mapper, the wire format is compact, unsorted, plain UTF-8 JSON.
        this.writer = mapper.writer()
                .without(SerializationFeature.INDENT_OUTPUT)
                .without(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
                .without(JsonWriteFeature.ESCAPE_NON_ASCII);
        this.nodes = mapper.getNodeFactory();
    }

    /**
     * Encodes a packet.
     *
     * @throws IllegalArgumentException if the packet cannot be expressed on the wire: binary data in a packet other
     *         than EVENT or ACK, data on a DISCONNECT, EVENT or ACK data that is not an array, an ACK without ack id
     */
    public EncodedPacket encode(SocketIOPacket packet) {
        PacketType type = packet.type();
        JsonNode data = packet.data();
        switch (type) {
            case DISCONNECT -> {
                if (data != null) {
                    throw new IllegalArgumentException("A DISCONNECT packet carries no data");
                }
            }
            case EVENT -> {
                if (data == null || !data.isArray() || data.isEmpty()) {
                    throw new IllegalArgumentException("EVENT data must be a non-empty array [event, args...]");
                }
            }
            case ACK -> {
                if (data == null || !data.isArray()) {
                    throw new IllegalArgumentException("ACK data must be an array");
                }
                if (packet.ackId() < 0) {
                    throw new IllegalArgumentException("An ACK packet needs an ack id");
                }
            }
            default -> {
                // CONNECT and CONNECT_ERROR: any JSON, checked below for binary
            }
        }

        List<byte[]> attachments = new ArrayList<>(0);
        JsonNode written = data == null ? null : replaceBinaries(data, attachments);
        if (!attachments.isEmpty()) {
            if (type == PacketType.EVENT) {
                type = PacketType.BINARY_EVENT;
            } else if (type == PacketType.ACK) {
                type = PacketType.BINARY_ACK;
            } else {
                throw new IllegalArgumentException("Only EVENT and ACK packets can carry binary data, not " + type);
            }
        }

        String json = null;
        if (written != null) {
            try {
                json = writer.writeValueAsString(written);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("Cannot serialize the data of a " + type + " packet", e);
            }
        }

        String namespace = packet.namespace();
        boolean writeNamespace = !SocketIOPacket.DEFAULT_NAMESPACE.equals(namespace);
        StringBuilder text = new StringBuilder(
                24 + (writeNamespace ? namespace.length() : 0) + (json == null ? 0 : json.length()));
        text.append((char) ('0' + type.code()));
        if (!attachments.isEmpty()) {
            text.append(attachments.size()).append('-');
        }
        if (writeNamespace) {
            text.append(namespace).append(',');
        }
        if (packet.ackId() >= 0) {
            text.append(packet.ackId());
        }
        if (json != null) {
            text.append(json);
        }
        return new EncodedPacket(text.toString(), attachments);
    }

    /**
     * Returns {@code node} itself when it holds no binary, else a copy where each binary node is a placeholder. Only
     * the containers on the path to a binary node are copied.
     */
    private JsonNode replaceBinaries(JsonNode node, List<byte[]> attachments) {
        if (node.isBinary()) {
            byte[] bytes;
            try {
                bytes = node.binaryValue();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e); // BinaryNode never throws
            }
            ObjectNode placeholder = nodes.objectNode();
            placeholder.put(PLACEHOLDER, true);
            placeholder.put(NUM, attachments.size());
            attachments.add(bytes);
            return placeholder;
        }
        if (node.isArray()) {
            int size = node.size();
            ArrayNode copy = null;
            for (int i = 0; i < size; i++) {
                JsonNode child = node.get(i);
                JsonNode replaced = child.isContainerNode() || child.isBinary() ? replaceBinaries(child, attachments)
                        : child;
                if (copy == null && replaced != child) {
                    copy = nodes.arrayNode(size);
                    for (int j = 0; j < i; j++) {
                        copy.add(node.get(j));
                    }
                }
                if (copy != null) {
                    copy.add(replaced);
                }
            }
            return copy == null ? node : copy;
        }
        if (node.isObject()) {
            ObjectNode copy = null;
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                JsonNode child = field.getValue();
                JsonNode replaced = child.isContainerNode() || child.isBinary() ? replaceBinaries(child, attachments)
                        : child;
                if (copy == null && replaced != child) {
                    copy = nodes.objectNode();
                    for (Map.Entry<String, JsonNode> previous : node.properties()) {
                        if (previous.getKey().equals(field.getKey())) {
                            break;
                        }
                        copy.set(previous.getKey(), previous.getValue());
                    }
                }
                if (copy != null) {
                    copy.set(field.getKey(), replaced);
                }
            }
            return copy == null ? node : copy;
        }
        return node;
    }
}
