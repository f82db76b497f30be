package io.quarkiverse.socketio.runtime.cluster.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a {@link ClusterFrame.Kind#RECOVERY} frame: connection state recovery between the workers and the store
 * the primary keeps for them. The primary reads these bodies but never the adapter messages and session states they
 * carry: those are opaque bytes to it (an adapter message is MessagePack, a session state JSON, both written and read
 * by workers only).
 *
 * <pre>
 * u8 op, then (integers big-endian)
 *   1 SEQUENCE      worker -> primary: the rest is one adapter message (a recoverable BROADCAST) to number, keep and
 *                   send to every worker, the sender included
 *   2 SEQUENCED     primary -> every worker: u64 offset, u16 origin node, the rest the adapter message
 *   3 CONNECTED     worker -> primary: u16 key length, key (UTF-8), the rest the session state; the session is held
 *                   by the sender (sent when a socket connects and when its rooms change)
 *   4 DISCONNECTED  worker -> primary: u16 key length, key, the rest the session state (may be empty: keep the
 *                   last one); kept for max-disconnection-duration
 *   5 DISCARD       worker -> primary: the rest the key; the session is gone for good
 *   6 RESTORE       worker -> primary: u32 request id, u64 offset, the rest the key
 *   7 RESTORED      primary -> that worker: u32 request id, u8 found (0 or 1); when found: u32 state length,
 *                   state, u32 count, count x (u64 offset, u32 length, adapter message)
 * </pre>
 */
public sealed interface RecoveryMessage {

    record Sequence(byte[] message) implements RecoveryMessage {
    }

    record Sequenced(long offset, int origin, byte[] message) implements RecoveryMessage {
    }

    record Connected(String key, byte[] state) implements RecoveryMessage {
    }

    record Disconnected(String key, byte[] state) implements RecoveryMessage {
    }

    record Discard(String key) implements RecoveryMessage {
    }

    record Restore(int requestId, long offset, String key) implements RecoveryMessage {
    }

    /** {@code state} is {@code null} when the session could not be restored. */
    record Restored(int requestId, byte[] state, List<Missed> missed) implements RecoveryMessage {
    }

    /** A broadcast logged after the client's offset. */
    record Missed(long offset, byte[] message) {
    }

    /** This message in a frame from {@code source} to {@code target}. */
    static byte[] frame(RecoveryMessage message, int source, int target) {
        return ClusterFrame.encode(ClusterFrame.Kind.RECOVERY, source, target, body(message));
    }

    /** The body of a message. */
    static byte[] body(RecoveryMessage message) {
        if (message instanceof Sequence m) {
            return ByteBuffer.allocate(1 + m.message().length).put((byte) 1).put(m.message()).array();
        }
        if (message instanceof Sequenced m) {
            return ByteBuffer.allocate(11 + m.message().length).put((byte) 2).putLong(m.offset())
                    .putShort((short) m.origin()).put(m.message()).array();
        }
        if (message instanceof Connected m) {
            return keyed(3, m.key(), m.state());
        }
        if (message instanceof Disconnected m) {
            return keyed(4, m.key(), m.state());
        }
        if (message instanceof Discard m) {
            byte[] key = m.key().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + key.length).put((byte) 5).put(key).array();
        }
        if (message instanceof Restore m) {
            byte[] key = m.key().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(13 + key.length).put((byte) 6).putInt(m.requestId()).putLong(m.offset())
                    .put(key).array();
        }
        Restored m = (Restored) message;
        if (m.state() == null) {
            return ByteBuffer.allocate(6).put((byte) 7).putInt(m.requestId()).put((byte) 0).array();
        }
        long size = 1 + 4 + 1 + 4 + m.state().length + 4;
        for (Missed missed : m.missed()) {
            size += 12 + missed.message().length;
        }
        if (size + ClusterFrame.BODY_OFFSET > ClusterFrame.DEFAULT_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("The missed packets of a session take " + size
                    + " bytes, more than a cluster frame may carry");
        }
        ByteBuffer body = ByteBuffer.allocate((int) size).put((byte) 7).putInt(m.requestId()).put((byte) 1)
                .putInt(m.state().length).put(m.state()).putInt(m.missed().size());
        for (Missed missed : m.missed()) {
            body.putLong(missed.offset()).putInt(missed.message().length).put(missed.message());
        }
        return body.array();
    }

    private static byte[] keyed(int op, String key, byte[] state) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        if (keyBytes.length > 0xFFFF) {
            throw new IllegalArgumentException("A session key may not exceed 65535 bytes");
        }
        return ByteBuffer.allocate(3 + keyBytes.length + state.length).put((byte) op)
                .putShort((short) keyBytes.length).put(keyBytes).put(state).array();
    }

    /**
     * The message in a whole RECOVERY frame.
     *
     * @throws ClusterProtocolException when the frame is not a RECOVERY frame or its body is malformed
     */
    static RecoveryMessage decode(byte[] frame) {
        ClusterFrame.Header header = ClusterFrame.header(frame);
        if (header.kind() != ClusterFrame.Kind.RECOVERY) {
            throw new ClusterProtocolException("Not a recovery frame: " + header.kind());
        }
        ByteBuffer body = ByteBuffer.wrap(frame, ClusterFrame.BODY_OFFSET, header.bodyLength());
        try {
            int op = body.get() & 0xFF;
            switch (op) {
                case 1:
                    return new Sequence(rest(body));
                case 2: {
                    long offset = body.getLong();
                    int origin = body.getShort() & 0xFFFF;
                    return new Sequenced(offset, origin, rest(body));
                }
                case 3:
                case 4: {
                    int keyLength = body.getShort() & 0xFFFF;
                    String key = string(body, keyLength);
                    byte[] state = rest(body);
                    return op == 3 ? new Connected(key, state) : new Disconnected(key, state);
                }
                case 5:
                    return new Discard(string(body, body.remaining()));
                case 6: {
                    int requestId = body.getInt();
                    long offset = body.getLong();
                    return new Restore(requestId, offset, string(body, body.remaining()));
                }
                case 7: {
                    int requestId = body.getInt();
                    if (body.get() == 0) {
                        expect(!body.hasRemaining(), "RESTORED without a session carries nothing more");
                        return new Restored(requestId, null, List.of());
                    }
                    byte[] state = bytes(body, body.getInt());
                    int count = body.getInt();
                    expect(count >= 0 && count <= body.remaining() / 12, "RESTORED announces " + count + " packets");
                    List<Missed> missed = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        long offset = body.getLong();
                        missed.add(new Missed(offset, bytes(body, body.getInt())));
                    }
                    expect(!body.hasRemaining(), "RESTORED has bytes after its packets");
                    return new Restored(requestId, state, missed);
                }
                default:
                    throw new ClusterProtocolException("Unknown recovery message " + op);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new ClusterProtocolException("Truncated recovery message");
        }
    }

    private static byte[] rest(ByteBuffer body) {
        return bytes(body, body.remaining());
    }

    private static byte[] bytes(ByteBuffer body, int length) {
        expect(length >= 0 && length <= body.remaining(), "a length of " + length + " with " + body.remaining()
                + " bytes left");
        byte[] bytes = new byte[length];
        body.get(bytes);
        return bytes;
    }

    private static String string(ByteBuffer body, int length) {
        return new String(bytes(body, length), StandardCharsets.UTF_8);
    }

    private static void expect(boolean condition, String problem) {
        if (!condition) {
            throw new ClusterProtocolException("Malformed recovery message: " + problem);
        }
    }
}
