package io.quarkiverse.socketio.runtime.cluster.primary;

import io.vertx.core.buffer.Buffer;

/**
 * Reads the frame headers of one direction of a WebSocket byte stream as the bytes pass through the router, without
 * holding them back or copying the stream: only the payloads the router looks at (at most {@code payloadLimit} bytes)
 * are unmasked and handed over. The router uses it for the few frames it cares about (the open packet of a session
 * opened over the WebSocket, the client's upgrade packet) and stops feeding it once it has seen them.
 * <p>
 * Hand-written rather than Netty's {@code WebSocket08FrameDecoder}, which takes each frame whole, unmasks and copies
 * every payload and needs an encoder after it, where the tunnel passes the bytes on untouched and looks at a few frame
 * headers only.
 */
final class WebSocketFrameScanner {

    static final int CONTINUATION = 0;
    static final int TEXT = 1;
    static final int BINARY = 2;

    /** One frame seen in the stream. */
    interface Listener {
        /**
         * @param payload the unmasked payload, or {@code null} when it is longer than the scanner's limit
         */
        void frame(boolean fin, int opcode, Buffer payload);
    }

    private final int payloadLimit;
    private final Listener listener;
    /** Bytes of a frame header (and small payload) split over reads; null when none are pending. */
    private Buffer pending;
    /** Payload bytes of a large frame still to pass. */
    private long skip;

    WebSocketFrameScanner(int payloadLimit, Listener listener) {
        this.payloadLimit = payloadLimit;
        this.listener = listener;
    }

    /** Scans the next bytes of the stream. The buffer is only read. */
    void feed(Buffer data) {
        int from = 0;
        int length = data.length();
        if (skip > 0) {
            int n = (int) Math.min(skip, length);
            skip -= n;
            from = n;
        }
        if (from == length) {
            return;
        }
        Buffer bytes = data;
        if (pending != null) {
            bytes = pending.appendBuffer(data, from, length - from);
            pending = null;
            from = 0;
            length = bytes.length();
        }
        while (from < length) {
            int used = frame(bytes, from, length);
            if (used < 0) {
                pending = bytes.getBuffer(from, length); // an incomplete header, or a small payload not yet whole
                return;
            }
            from += used;
            if (skip > 0) {
                int n = (int) Math.min(skip, length - from);
                skip -= n;
                from += n;
            }
        }
    }

    /** Reads one frame at {@code at}: the bytes used, or -1 when more are needed. */
    private int frame(Buffer b, int at, int end) {
        if (end - at < 2) {
            return -1;
        }
        int b0 = b.getByte(at) & 0xFF;
        int b1 = b.getByte(at + 1) & 0xFF;
        boolean masked = (b1 & 0x80) != 0;
        long length = b1 & 0x7F;
        int header = 2;
        if (length == 126) {
            if (end - at < 4) {
                return -1;
            }
            length = b.getUnsignedShort(at + 2);
            header = 4;
        } else if (length == 127) {
            if (end - at < 10) {
                return -1;
            }
            length = b.getLong(at + 2);
            header = 10;
        }
        int maskAt = at + header;
        if (masked) {
            header += 4;
        }
        if (end - at < header) {
            return -1;
        }
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        if (length > payloadLimit || length < 0) {
            listener.frame(fin, opcode, null);
            skip = length < 0 ? Long.MAX_VALUE : length;
            return header;
        }
        int n = (int) length;
        if (end - at - header < n) {
            return -1;
        }
        int start = at + header;
        Buffer payload = Buffer.buffer(n);
        for (int i = 0; i < n; i++) {
            byte v = b.getByte(start + i);
            if (masked) {
                v ^= b.getByte(maskAt + (i & 3));
            }
            payload.appendByte(v);
        }
        listener.frame(fin, opcode, payload);
        return header + n;
    }
}
