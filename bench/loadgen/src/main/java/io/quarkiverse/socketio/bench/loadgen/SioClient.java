package io.quarkiverse.socketio.bench.loadgen;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * One Socket.IO client over one WebSocket, written for a low cost per message: RFC 6455 framing by hand on the raw
 * Netty buffers that Vert.x reads (no frame objects, no strings, no copy unless a frame spans two reads), Engine.IO v4
 * and Socket.IO v5 packets recognised by their first bytes. Everything but {@link #sendText(String)} and
 * {@link #close()} runs on the event loop the client was connected from.
 * <p>
 * Engine.IO: server {@code 0{"sid":..}} (open), {@code 2} (ping, answered {@code 3}), {@code 3probe} (upgrade probe
 * answer), {@code 1} (close); Socket.IO inside {@code 4}: {@code 40} (connected), {@code 42[..]} (event),
 * {@code 43<id>[..]} (ack), {@code 44} (connect error).
 */
final class SioClient {

    /** What a mode wants to hear; every method runs on the client's event loop. */
    interface Listener {
        /** The WebSocket handshake (HTTP 101) completed. */
        default void onWebSocketOpen(SioClient c) {
        }

        /** The namespace answered {@code 40}. */
        default void onConnected(SioClient c) {
        }

        /** An event packet; {@code b[off..end)} is the whole Engine.IO packet, starting with {@code 42}. */
        default void onEvent(SioClient c, byte[] b, int off, int end) {
        }

        /** An ack with this id; {@code b[argsOff..end)} are its arguments, starting with {@code [}. */
        default void onAck(SioClient c, long id, byte[] b, int argsOff, int end) {
        }

        /** The server answered the upgrade probe ({@code 3probe}). */
        default void onProbe(SioClient c) {
        }

        /** Connecting failed (HTTP error, connect error, socket error) before the client was connected. */
        default void onFail(SioClient c, String message) {
        }

        /** The connection closed; {@code unexpected} when the client was connected and did not close it itself. */
        default void onClose(SioClient c, boolean unexpected) {
        }
    }

    private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** A masked text frame "3" (Engine.IO pong), with the all-zero masking key RFC 6455 allows. */
    private static final byte[] PONG = { (byte) 0x81, (byte) 0x81, 0, 0, 0, 0, '3' };
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[][] { new byte[1 << 16] });

    final int idx;
    private final Listener listener;
    private final boolean sendConnect;
    private NetSocketInternal socket;
    private Channel channel;
    private String key;
    private boolean open;
    private boolean failed;
    /** The namespace is connected ({@code 40} received). */
    volatile boolean connected;
    /** The client closes the connection itself: no unexpected disconnect. */
    volatile boolean closing;
    volatile boolean closed;
    /** The Engine.IO session id. */
    String sid;
    /** Unparsed bytes carried over to the next read. */
    private byte[] pend;
    private int pendLen;
    /** A fragmented message being assembled (never seen from the servers measured, handled anyway). */
    private byte[] frag;
    private int fragLen;
    private int fragOpcode;

    /**
     * @param sendConnect whether to answer the Engine.IO open packet with {@code 40} (a WebSocket-only session);
     *        false for the upgrade of a polling session, which sends no open packet.
     */
    SioClient(int idx, Listener listener, boolean sendConnect) {
        this.idx = idx;
        this.listener = listener;
        this.sendConnect = sendConnect;
    }

    /** Starts the WebSocket handshake on a freshly connected TCP socket. */
    void start(NetSocketInternal socket, String host, int port, String pathAndQuery) {
        this.socket = socket;
        this.channel = socket.channelHandlerContext().channel();
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        key = Base64.getEncoder().encodeToString(nonce);
        socket.messageHandler(this::onRead);
        socket.closeHandler(v -> onClosed());
        socket.exceptionHandler(e -> fail(String.valueOf(e.getMessage())));
        String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        socket.writeMessage(Unpooled.wrappedBuffer(request.getBytes(StandardCharsets.ISO_8859_1)));
    }

    Channel channel() {
        return channel;
    }

    boolean isOpen() {
        return open && !closed;
    }

    /** Sends one Engine.IO text packet; callable from any thread. */
    void sendText(String packet) {
        byte[] p = packet.getBytes(StandardCharsets.UTF_8);
        sendFrame(0x81, p, 0, p.length);
    }

    private void sendFrame(int b0, byte[] p, int off, int n) {
        if (socket == null || closed) {
            return;
        }
        int head = n < 126 ? 6 : n < 65536 ? 8 : 14;
        ByteBuf out = channel.alloc().heapBuffer(head + n);
        out.writeByte(b0);
        if (n < 126) {
            out.writeByte(0x80 | n);
        } else if (n < 65536) {
            out.writeByte(0x80 | 126);
            out.writeShort(n);
        } else {
            out.writeByte(0x80 | 127);
            out.writeLong(n);
        }
        out.writeInt(0); // masking key 0: the payload goes unchanged
        out.writeBytes(p, off, n);
        socket.writeMessage(out);
    }

    /** Closes the connection without a close handshake; callable from any thread. */
    void close() {
        closing = true;
        if (socket != null) {
            socket.close();
        }
    }

    /** Reports a failure to connect once, and closes. */
    void fail(String message) {
        if (connected || failed) {
            return;
        }
        failed = true;
        listener.onFail(this, message);
        close();
    }

    private void onClosed() {
        boolean unexpected = connected && !closing && !closed;
        closed = true;
        if (!connected && !failed) {
            fail(open ? "connection closed before connect" : "connection closed during the WebSocket handshake");
        }
        listener.onClose(this, unexpected);
    }

    // ------------------------------------------------------------------------------------------------------------
    // reading

    private void onRead(Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ByteBuf buf = (ByteBuf) msg;
        try {
            int n = buf.readableBytes();
            byte[] data;
            int off;
            int end;
            if (pendLen > 0) {
                ensurePend(pendLen + n);
                buf.getBytes(buf.readerIndex(), pend, pendLen, n);
                data = pend;
                off = 0;
                end = pendLen + n;
                pendLen = 0;
            } else if (buf.hasArray()) {
                data = buf.array();
                off = buf.arrayOffset() + buf.readerIndex();
                end = off + n;
            } else {
                byte[][] holder = SCRATCH.get();
                if (holder[0].length < n) {
                    holder[0] = new byte[Math.max(n, holder[0].length * 2)];
                }
                data = holder[0];
                buf.getBytes(buf.readerIndex(), data, 0, n);
                off = 0;
                end = n;
            }
            int used = open ? frames(data, off, end) : handshake(data, off, end);
            if (used < end && !closed) {
                // keep the incomplete frame; data may be pend itself (arraycopy handles the overlap)
                int rest = end - used;
                if (data != pend) {
                    ensurePend(rest);
                }
                System.arraycopy(data, used, pend, 0, rest);
                pendLen = rest;
            }
        } finally {
            buf.release();
        }
    }

    private void ensurePend(int size) {
        if (pend == null || pend.length < size) {
            byte[] bigger = new byte[Math.max(size, pend == null ? 4096 : pend.length * 2)];
            if (pend != null && pendLen > 0) {
                System.arraycopy(pend, 0, bigger, 0, pendLen);
            }
            pend = bigger;
        }
    }

    /** Parses the HTTP answer to the upgrade request; returns how many bytes it used. */
    private int handshake(byte[] b, int off, int end) {
        int headEnd = -1;
        for (int i = off; i + 3 < end; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                headEnd = i;
                break;
            }
        }
        if (headEnd < 0) {
            if (end - off > 65536) {
                fail("HTTP answer head too large");
                return end;
            }
            return off;
        }
        String head = new String(b, off, headEnd - off, StandardCharsets.ISO_8859_1);
        int bodyStart = headEnd + 4;
        if (!head.startsWith("HTTP/1.1 101")) {
            String status = head.length() >= 12 ? head.substring(9, 12) : head;
            String body = new String(b, bodyStart, Math.min(end - bodyStart, 120), StandardCharsets.UTF_8);
            fail("HTTP " + status + " websocket " + body);
            return end;
        }
        String accept = null;
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Accept")) {
                accept = line.substring(colon + 1).trim();
            }
        }
        if (!expectedAccept(key).equals(accept)) {
            fail("bad Sec-WebSocket-Accept");
            return end;
        }
        open = true;
        listener.onWebSocketOpen(this);
        return frames(b, bodyStart, end);
    }

    private static String expectedAccept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + WS_GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses whole frames of {@code b[off..end)}; returns where the first incomplete one starts. */
    private int frames(byte[] b, int off, int end) {
        while (end - off >= 2 && !closed) {
            int b0 = b[off] & 0xff;
            int b1 = b[off + 1] & 0xff;
            long len = b1 & 0x7f;
            int p = off + 2;
            if (len == 126) {
                if (end - p < 2) {
                    break;
                }
                len = ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
                p += 2;
            } else if (len == 127) {
                if (end - p < 8) {
                    break;
                }
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | (b[p + i] & 0xff);
                }
                p += 8;
            }
            int maskAt = -1;
            if ((b1 & 0x80) != 0) {
                if (end - p < 4) {
                    break;
                }
                maskAt = p;
                p += 4;
            }
            if (end - p < len) {
                break;
            }
            int frameEnd = p + (int) len;
            if (maskAt >= 0) {
                for (int i = p; i < frameEnd; i++) {
                    b[i] ^= b[maskAt + ((i - p) & 3)];
                }
            }
            frame(b0, b, p, frameEnd);
            off = frameEnd;
        }
        return off;
    }

    private void frame(int b0, byte[] b, int p, int end) {
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0f;
        switch (opcode) {
            case 1, 2 -> {
                if (fin) {
                    packet(b, p, end);
                } else {
                    fragOpcode = opcode;
                    fragLen = 0;
                    appendFragment(b, p, end);
                }
            }
            case 0 -> {
                appendFragment(b, p, end);
                if (fin && fragOpcode != 0) {
                    fragOpcode = 0;
                    byte[] whole = frag;
                    int n = fragLen;
                    frag = null;
                    fragLen = 0;
                    packet(whole, 0, n);
                }
            }
            case 9 -> sendFrame(0x8a, b, p, end - p); // ping: pong with the same payload
            case 8 -> {
                if (!closing) {
                    sendFrame(0x88, b, p, Math.min(end - p, 2));
                }
                socket.close();
            }
            default -> {
                // pong or reserved: nothing to do
            }
        }
    }

    private void appendFragment(byte[] b, int p, int end) {
        int n = end - p;
        if (frag == null || frag.length < fragLen + n) {
            byte[] bigger = new byte[Math.max(fragLen + n, frag == null ? 1024 : frag.length * 2)];
            if (frag != null) {
                System.arraycopy(frag, 0, bigger, 0, fragLen);
            }
            frag = bigger;
        }
        System.arraycopy(b, p, frag, fragLen, n);
        fragLen += n;
    }

    /** One Engine.IO packet. */
    private void packet(byte[] b, int p, int end) {
        if (end <= p) {
            return;
        }
        switch (b[p]) {
            case '4' -> {
                if (end - p < 2) {
                    return;
                }
                switch (b[p + 1]) {
                    case '2' -> listener.onEvent(this, b, p, end);
                    case '3' -> {
                        long id = 0;
                        int i = p + 2;
                        while (i < end && b[i] >= '0' && b[i] <= '9') {
                            id = id * 10 + (b[i] - '0');
                            i++;
                        }
                        listener.onAck(this, id, b, i, end);
                    }
                    case '0' -> {
                        if (!connected && !failed) {
                            connected = true;
                            listener.onConnected(this);
                        }
                    }
                    case '4' -> fail("connect_error " + new String(b, p, Math.min(end - p, 120), StandardCharsets.UTF_8));
                    default -> {
                        // disconnect or binary packets: not part of the contract
                    }
                }
            }
            case '2' -> {
                if (end - p == 1) {
                    socket.writeMessage(Unpooled.wrappedBuffer(PONG));
                }
            }
            case '3' -> {
                if (end - p == 6) {
                    listener.onProbe(this);
                }
            }
            case '0' -> {
                try {
                    JsonNode open = Json.MAPPER.readTree(b, p + 1, end - p - 1);
                    sid = open.path("sid").asText(null);
                } catch (Exception e) {
                    fail("bad open packet");
                    return;
                }
                if (sendConnect) {
                    sendText("40");
                }
            }
            case '1' -> close();
            default -> {
                // noop (6) and others
            }
        }
    }
}
