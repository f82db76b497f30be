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

    static final EnginePacket CLOSE_PACKET = new EnginePacket(CLOSE, "", null);
    static final EnginePacket PING_PACKET = new EnginePacket(PING, "", null);
    static final EnginePacket NOOP_PACKET = new EnginePacket(NOOP, "", null);
    static final EnginePacket PONG_PROBE = new EnginePacket(PONG, "probe", null);

    private final char type;
    private final String text;
    private final Buffer binary;

    private EnginePacket(char type, String text, Buffer binary) {
        this.type = type;
        this.text = text;
        this.binary = binary;
    }

    static EnginePacket text(char type, String data) {
        return new EnginePacket(type, data == null ? "" : data, null);
    }

    static EnginePacket message(String text) {
        return new EnginePacket(MESSAGE, text, null);
    }

    static EnginePacket binary(Buffer data) {
        return new EnginePacket(MESSAGE, null, data);
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
