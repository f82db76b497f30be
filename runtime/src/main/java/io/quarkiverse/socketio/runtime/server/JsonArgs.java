package io.quarkiverse.socketio.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;

import io.vertx.core.buffer.Buffer;

/**
 * Converts the arguments users pass to emit and ack into the JSON tree the packet encoder writes. Binary values
 * ({@code byte[]}, Vert.x {@code Buffer}) become {@link BinaryNode}s, which the encoder turns into attachments.
 */
public final class JsonArgs {

    private final ObjectMapper mapper;

    public JsonArgs(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public JsonNode toNode(Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof byte[] bytes) {
            return BinaryNode.valueOf(bytes);
        }
        if (value instanceof Buffer buffer) {
            return BinaryNode.valueOf(buffer.getBytes());
        }
        return mapper.valueToTree(value);
    }

    /** {@code [event, args...]}, the data of an EVENT packet. */
    public ArrayNode eventData(String event, Object[] args) {
        if (event == null || event.isEmpty()) {
            throw new IllegalArgumentException("An event needs a name");
        }
        ArrayNode data = JsonNodeFactory.instance.arrayNode(args.length + 1);
        data.add(event);
        for (Object arg : args) {
            data.add(toNode(arg));
        }
        return data;
    }

    /** {@code [args...]}, the data of an ACK packet. */
    public ArrayNode ackData(Object[] args) {
        ArrayNode data = JsonNodeFactory.instance.arrayNode(args.length);
        for (Object arg : args) {
            data.add(toNode(arg));
        }
        return data;
    }

    public <T> T convert(JsonNode node, Class<T> type) {
        if (type.isInstance(node)) {
            return type.cast(node);
        }
        if (type == byte[].class && node.isBinary()) {
            return type.cast(((BinaryNode) node).binaryValue());
        }
        if (type == Buffer.class && node.isBinary()) {
            return type.cast(Buffer.buffer(((BinaryNode) node).binaryValue()));
        }
        try {
            return mapper.treeToValue(node, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot read " + type.getName() + " from " + node.getNodeType()
                    + ": " + e.getOriginalMessage(), e);
        }
    }
}
