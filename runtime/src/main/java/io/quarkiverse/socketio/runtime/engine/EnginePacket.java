package io.quarkiverse.socketio.runtime.engine;

import io.vertx.core.buffer.Buffer;

/**
 * One Engine.IO v4 packet: a type digit and either text data or (for binary messages) bytes.
 */
final class EnginePacket {

    static final char OPEN = '0';
    static final char CLOSE = '1';
    static final char PING = '2';
    static final char PONG = '3';
    static final char MESSAGE = '4';
    static final char UPGRADE = '5';
    static final char NOOP = '6';

    static final EnginePacket CLOSE_PACKET = new EnginePacket(CLOSE, "", null, null);
    static final EnginePacket PING_PACKET = new EnginePacket(PING, "", null, null);
    static final EnginePacket NOOP_PACKET = new EnginePacket(NOOP, "", null, null);
    static final EnginePacket PONG_PROBE = new EnginePacket(PONG, "probe", null, null);

    private final char type;
    private final String text;
    private final Buffer binary;
    /** A message shared with other sessions, with its encoded bytes; {@code null} otherwise. */
    private final EngineText shared;

    private EnginePacket(char type, String text, Buffer binary, EngineText shared) {
        this.type = type;
        this.text = text;
        this.binary = binary;
        this.shared = shared;
    }

    static EnginePacket text(char type, String data) {
        return new EnginePacket(type, data == null ? "" : data, null, null);
    }

    static EnginePacket message(String text) {
        return new EnginePacket(MESSAGE, text, null, null);
    }

    static EnginePacket message(EngineText message) {
        return new EnginePacket(MESSAGE, message.text(), null, message);
    }

    static EnginePacket binary(Buffer data) {
        return new EnginePacket(MESSAGE, null, data, null);
    }

    char type() {
        return type;
    }

    /** The text data; {@code null} for a binary message. */
    String text() {
        return text;
    }

    /** The bytes of a binary message; {@code null} otherwise. */
    Buffer binary() {
        return binary;
    }

    /** The message shared with other sessions, whose encoded bytes can be reused; {@code null} otherwise. */
    EngineText shared() {
        return shared;
    }

    boolean isBinary() {
        return binary != null;
    }

    @Override
    public String toString() {
        return isBinary() ? "binary(" + binary.length() + " bytes)" : type + abbreviate(text);
    }

    private static String abbreviate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...(" + s.length() + " chars)";
    }
}
