package io.quarkiverse.socketio.runtime.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A text message for one or many sessions (a broadcast). Its Engine.IO message packet ({@code 4<text>} in UTF-8) is
 * encoded on first use by a WebSocket, once, as a whole WebSocket text frame as a server sends it (unmasked), and every
 * session that sends the message writes the same bytes.
 */
public final class EngineText {

    private final String text;
    /** Set once; two threads may both encode it first, harmlessly (the same bytes). */
    private volatile ByteBuf frame;
    /** -1 until computed; racy like {@link #frame}, harmlessly */
    private volatile int utf8Length = -1;

    public EngineText(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** The text's length in UTF-8 bytes, computed on first use (for traffic counts: not on the hot path unless asked). */
    public int utf8Length() {
        int length = utf8Length;
        if (length < 0) {
            length = utf8Length(text);
            utf8Length = length;
        }
        return length;
    }

    /** The length of {@code text} in UTF-8 bytes, without encoding it. */
    public static int utf8Length(String text) {
        int length = text.length();
        int bytes = length;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for the pair's 2 chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    /**
     * The message packet as one final, unmasked WebSocket text frame: header and payload, in direct memory (a socket
     * writes it without a copy). Shared: each writer takes a {@link ByteBuf#duplicate() duplicate}; never released by
     * them (the garbage collector frees it with this object).
     */
    ByteBuf frame() {
        ByteBuf f = frame;
        if (f == null) {
            byte[] payload = (EnginePacket.MESSAGE + text).getBytes(StandardCharsets.UTF_8);
            int header = payload.length < 126 ? 2 : payload.length <= 0xFFFF ? 4 : 10;
            f = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(header + payload.length)))
                    .clear();
            f.writeByte(0x81); // FIN, text
            if (payload.length < 126) {
                f.writeByte(payload.length);
            } else if (payload.length <= 0xFFFF) {
                f.writeByte(126).writeShort(payload.length);
            } else {
                f.writeByte(127).writeLong(payload.length);
            }
            f.writeBytes(payload);
            frame = f;
        }
        return f;
    }

    @Override
    public String toString() {
        return text;
    }
}
