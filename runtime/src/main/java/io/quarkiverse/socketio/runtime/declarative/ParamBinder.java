package io.quarkiverse.socketio.runtime.declarative;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.quarkiverse.socketio.InvalidEventArgumentException;
import io.vertx.core.buffer.Buffer;

/** Computes the value of one handler parameter for a call. Built once per handler when the application starts. */
@FunctionalInterface
interface ParamBinder {

    Object bind(BindingSource source);

    static ParamBinder of(ParamMetadata param, ObjectMapper mapper) {
        return switch (param.getKind()) {
            case SOCKET -> in -> in.socket;
            case HANDSHAKE -> in -> in.socket.handshake();
            case EVENT -> in -> in.event;
            case ACK -> BindingSource::ack;
            case DISCONNECT_REASON -> in -> in.reason;
            case ERROR -> in -> in.error;
            case PAYLOAD -> new Payload(param.getArgumentIndex(),
                    mapper.getTypeFactory().constructFromCanonical(param.getJavaType()), mapper);
        };
    }

    /** An event argument, converted by the application's ObjectMapper to the parameter's generic type. */
    final class Payload implements ParamBinder {

        private static final Map<Class<?>, Object> PRIMITIVE_DEFAULTS = Map.of(boolean.class, false, char.class, '\0',
                byte.class, (byte) 0, short.class, (short) 0, int.class, 0, long.class, 0L, float.class, 0f,
                double.class, 0d);

        private final int index;
        private final JavaType type;
        private final Class<?> raw;
        private final ObjectReader reader;
        /** The value of a missing or null argument. */
        private final Object absent;

        Payload(int index, JavaType type, ObjectMapper mapper) {
            this.index = index;
            this.type = type;
            this.raw = type.getRawClass();
            this.reader = mapper.readerFor(type);
            this.absent = PRIMITIVE_DEFAULTS.get(raw);
        }

        @Override
        public Object bind(BindingSource in) {
            JsonNode node = in.event.arg(index);
            if (JsonNode.class.isAssignableFrom(raw)) {
                if (raw.isInstance(node)) {
                    return node;
                }
                if (node.isMissingNode() || node.isNull()) {
                    return null;
                }
                throw bad(node, null);
            }
            if (node.isMissingNode() || node.isNull()) {
                return absent;
            }
            if (node.isBinary()) {
                if (raw == byte[].class) {
                    return binary(node);
                }
                if (raw == Buffer.class) {
                    return Buffer.buffer(binary(node));
                }
            } else if (raw == Buffer.class) {
                throw bad(node, null);
            }
            try {
                return reader.readValue(node);
            } catch (IOException | RuntimeException e) {
                throw bad(node, e);
            }
        }

        private static byte[] binary(JsonNode node) {
            try {
                return node.binaryValue();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private InvalidEventArgumentException bad(JsonNode node, Exception cause) {
            return new InvalidEventArgumentException("argument " + index + " (" + node.getNodeType()
                    + ") cannot be read as " + type.toCanonical()
                    + (cause == null ? "" : ": " + String.valueOf(cause.getMessage()).lines().findFirst().orElse("")));
        }
    }
}
