package io.quarkiverse.socketio.runtime.parser;

/**
 * Socket.IO v5 packet types, with their wire codes.
 */
public enum PacketType {
    CONNECT(0),
    DISCONNECT(1),
    EVENT(2),
    ACK(3),
    CONNECT_ERROR(4),
    BINARY_EVENT(5),
    BINARY_ACK(6);

    private static final PacketType[] BY_CODE = values();

    private final int code;

    PacketType(int code) {
        this.code = code;
    }

    /** The wire code, 0 to 6. */
    public int code() {
        return code;
    }

    /** Whether packets of this type announce binary attachments ({@link #BINARY_EVENT}, {@link #BINARY_ACK}). */
    public boolean isBinary() {
        return this == BINARY_EVENT || this == BINARY_ACK;
    }

    /**
     * The type with the given wire code.
     *
     * @throws IllegalArgumentException if no type has this code
     */
    public static PacketType of(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("Unknown Socket.IO packet type: " + code);
        }
        return BY_CODE[code];
    }
}
