package io.quarkiverse.socketio.runtime.cluster.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

class WebSocketFrameScannerTest {

    /** A frame as a client (masked) or a server (unmasked) writes it. */
    static Buffer frame(boolean fin, int opcode, byte[] payload, byte[] mask) {
        Buffer b = Buffer.buffer().appendByte((byte) ((fin ? 0x80 : 0) | opcode));
        int m = mask == null ? 0 : 0x80;
        if (payload.length < 126) {
            b.appendByte((byte) (m | payload.length));
        } else if (payload.length <= 0xFFFF) {
            b.appendByte((byte) (m | 126)).appendUnsignedShort(payload.length);
        } else {
            b.appendByte((byte) (m | 127)).appendLong(payload.length);
        }
        if (mask != null) {
            b.appendBytes(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            b.appendByte((byte) (mask == null ? payload[i] : payload[i] ^ mask[i & 3]));
        }
        return b;
    }

    static List<String> scan(Buffer stream, int limit, int chunk) {
        List<String> seen = new ArrayList<>();
        WebSocketFrameScanner scanner = new WebSocketFrameScanner(limit, (fin, opcode, payload) -> seen
                .add(opcode + (fin ? "!" : "") + ":" + (payload == null ? "-" : payload.toString())));
        for (int at = 0; at < stream.length(); at += chunk) {
            scanner.feed(stream.getBuffer(at, Math.min(stream.length(), at + chunk)));
        }
        return seen;
    }

    @Test
    void framesAreFoundWhateverTheReadBoundaries() {
        byte[] mask = { 1, 2, 3, (byte) 0xF0 };
        Buffer stream = Buffer.buffer()
                .appendBuffer(frame(true, 1, "2probe".getBytes(), mask))
                .appendBuffer(frame(true, 9, new byte[0], mask))
                .appendBuffer(frame(false, 2, new byte[300], mask))
                .appendBuffer(frame(true, 0, new byte[70_000], mask))
                .appendBuffer(frame(true, 1, "5".getBytes(), mask))
                .appendBuffer(frame(true, 1, "0{\"sid\":\"x\"}".getBytes(), null));
        List<String> expected = List.of("1!:2probe", "9!:", "2:-", "0!:-", "1!:5", "1!:0{\"sid\":\"x\"}");
        for (int chunk : new int[] { 1, 2, 3, 7, 13, 100, 1000, stream.length() }) {
            assertEquals(expected, scan(stream, 64, chunk), "reads of " + chunk + " bytes");
        }
    }
}
