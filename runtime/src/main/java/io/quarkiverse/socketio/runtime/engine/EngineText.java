package io.quarkiverse.socketio.runtime.engine;

import java.nio.charset.StandardCharsets;

import io.vertx.core.buffer.Buffer;

/**
 * A text message for one or many sessions (a broadcast). Its Engine.IO message packet ({@code 4<text>} in UTF-8) is
 * encoded on first use by a WebSocket, once, as a whole WebSocket text frame as a server sends it (unmasked), and every
 * session that sends the message writes the same bytes.
 */
public final class EngineText {

    private final String text;
    /** Set once; two threads may both encode it first, harmlessly (the same bytes). */
    private volatile Buffer frame;

    public EngineText(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** The message packet as one final, unmasked WebSocket text frame: header and payload. Shared: never modified. */
    Buffer frame() {
        Buffer f = frame;
        if (f == null) {
            byte[] payload = (EnginePacket.MESSAGE + text).getBytes(StandardCharsets.UTF_8);
            f = Buffer.buffer(payload.length + 10).appendByte((byte) 0x81); // FIN, text
            if (payload.length < 126) {
                f.appendByte((byte) payload.length);
            } else if (payload.length <= 0xFFFF) {
                f.appendByte((byte) 126).appendUnsignedShort(payload.length);
            } else {
                f.appendByte((byte) 127).appendLong(payload.length);
            }
            f.appendBytes(payload);
            frame = f;
        }
        return f;
    }

    @Override
    public String toString() {
        return text;
    }
}
