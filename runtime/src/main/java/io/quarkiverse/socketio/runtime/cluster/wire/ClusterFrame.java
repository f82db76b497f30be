package io.quarkiverse.socketio.runtime.cluster.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessageCodec;

/**
 * The framing of the messages the nodes of a cluster exchange: a length prefix and a small fixed header the relay
 * reads without decoding the body, so it can forward the frame bytes untouched to their target.
 *
 * <h2>Layout (all integers big-endian, unsigned)</h2>
 *
 * <pre>
 * offset size field
 *   0     4   length   the number of bytes after this field: header (6) + body; at most maxFrameSize - 4
 *   4     1   version  {@value #VERSION}
 *   5     1   kind     {@link Kind}: 1 = ADAPTER (the body is one MessagePack cluster message,
 *                      see {@link ClusterMessageCodec}), 2 = CONTROL (between the primary and one worker,
 *                      see {@link ControlMessage}), 3 = RECOVERY (between a worker and the primary's
 *                      recovery store, see {@link RecoveryMessage})
 *   6     2   source   the node that wrote the frame: 0 = the relay (primary), 1..65534 = a worker
 *   8     2   target   the node the frame is for, or 0xFFFF = every node but the source
 *  10     -   body     length - 6 bytes
 * </pre>
 * <p>
 * A request (and every message that is not a response) is published with target {@link #ALL}; a response is sent to
 * the node that wrote the request, read from the request's {@code source}. The relay checks that {@code source} is
 * the node the frame came from, then forwards the same bytes.
 * <p>
 * Everything here is a pure function of its input, except {@link Reader}, which splits a byte stream into frames.
 * Malformed input raises {@link ClusterProtocolException}; nothing is allocated from a declared length before the
 * bytes it announces have arrived, and no frame may exceed the maximum size.
 */
public final class ClusterFrame {

    /** The size of the length prefix. */
    public static final int LENGTH_SIZE = 4;
    /** The size of the header after the length prefix: version, kind, source, target. */
    public static final int HEADER_SIZE = 6;
    /** Where the body starts in a frame. */
    public static final int BODY_OFFSET = LENGTH_SIZE + HEADER_SIZE;
    /** The frame format version. */
    public static final int VERSION = 1;
    /** The target meaning every node but the source. */
    public static final int ALL = 0xFFFF;
    /** The node number of the relay (the primary). */
    public static final int RELAY = 0;
    /** The highest node number a worker may have. */
    public static final int MAX_NODE = 0xFFFE;
    /**
     * The default largest frame, prefix included: 64 MiB. Far above what a Socket.IO client may send
     * ({@code maxHttpBufferSize}, 1 MB by default), since a server may broadcast larger packets.
     */
    public static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024 * 1024;

    private ClusterFrame() {
    }

    /** What a frame carries. */
    public enum Kind {
        /** A cluster adapter message (socket.io-adapter numbering), MessagePack encoded. */
        ADAPTER(1),
        /** A message between the relay and one worker about the cluster itself: {@link ControlMessage}. */
        CONTROL(2),
        /**
         * A message of connection state recovery between the workers and the primary's store:
         * {@link RecoveryMessage}.
         */
        RECOVERY(3);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** The kind with this code, or {@code null}. */
        static Kind of(int code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            return null;
        }
    }

    /**
     * The header of a frame.
     *
     * @param kind what the body is
     * @param source the node that wrote the frame
     * @param target the node it is for, or {@link #ALL}
     * @param bodyLength the number of body bytes, starting at {@link #BODY_OFFSET}
     */
    public record Header(Kind kind, int source, int target, int bodyLength) {

        /** Whether the frame is for every node but its source. */
        public boolean toAll() {
            return target == ALL;
        }
    }

    /** A frame around a whole body. */
    public static byte[] encode(Kind kind, int source, int target, byte[] body) {
        return encode(kind, source, target, body, 0, body.length);
    }

    /**
     * A frame around {@code length} bytes of {@code body} from {@code offset}.
     *
     * @throws IllegalArgumentException when a node number is out of range, the target is the source, or the frame
     *         would exceed {@link #DEFAULT_MAX_FRAME_SIZE}
     */
    public static byte[] encode(Kind kind, int source, int target, byte[] body, int offset, int length) {
        if (kind == null) {
            throw new IllegalArgumentException("A frame needs a kind");
        }
        if (source < 0 || source > MAX_NODE) {
            throw new IllegalArgumentException("Source node out of range 0.." + MAX_NODE + ": " + source);
        }
        if (target < 0 || target > ALL || target == source) {
            throw new IllegalArgumentException("Bad target node " + target + " for source " + source);
        }
        if (length < 0 || offset < 0 || offset + length > body.length) {
            throw new IllegalArgumentException("Bad body range " + offset + "+" + length + " of " + body.length);
        }
        if ((long) length + BODY_OFFSET > DEFAULT_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("A cluster frame may not exceed " + DEFAULT_MAX_FRAME_SIZE
                    + " bytes; this body has " + length);
        }
        byte[] frame = new byte[BODY_OFFSET + length];
        BigEndian.putInt(frame, 0, HEADER_SIZE + length);
        frame[4] = (byte) VERSION;
        frame[5] = (byte) kind.code;
        BigEndian.putShort(frame, 6, source);
        BigEndian.putShort(frame, 8, target);
        System.arraycopy(body, offset, frame, BODY_OFFSET, length);
        return frame;
    }

    /** The header of a whole frame, checked against {@link #DEFAULT_MAX_FRAME_SIZE}. */
    public static Header header(byte[] frame) {
        return header(frame, DEFAULT_MAX_FRAME_SIZE);
    }

    /**
     * The header of a whole frame: the array must hold exactly one frame.
     *
     * @throws ClusterProtocolException when the frame is truncated, too long, of another version or kind, or names
     *         impossible nodes
     */
    public static Header header(byte[] frame, int maxFrameSize) {
        if (frame == null || frame.length < BODY_OFFSET) {
            throw new ClusterProtocolException("Truncated cluster frame: " + (frame == null ? 0 : frame.length)
                    + " bytes, a frame has at least " + BODY_OFFSET);
        }
        long total = frameSize(frame, 0, maxFrameSize);
        if (total != frame.length) {
            throw new ClusterProtocolException("Cluster frame length field says " + total + " bytes, the frame has "
                    + frame.length);
        }
        return readHeader(frame, 0, (int) total);
    }

    /**
     * The total size (prefix included) of the frame starting at {@code offset}, read from its length prefix;
     * {@code -1} when fewer than {@link #LENGTH_SIZE} bytes are available.
     *
     * @throws ClusterProtocolException when the length is below a header or above the maximum
     */
    public static int frameSize(byte[] buffer, int offset, int available, int maxFrameSize) {
        if (available < LENGTH_SIZE) {
            return -1;
        }
        return (int) frameSize(buffer, offset, maxFrameSize);
    }

    private static long frameSize(byte[] buffer, int offset, int maxFrameSize) {
        long length = BigEndian.getInt(buffer, offset) & 0xFFFFFFFFL;
        if (length < HEADER_SIZE) {
            throw new ClusterProtocolException("Cluster frame length " + length + " is shorter than its header ("
                    + HEADER_SIZE + ")");
        }
        if (length + LENGTH_SIZE > maxFrameSize) {
            throw new ClusterProtocolException("Cluster frame of " + (length + LENGTH_SIZE)
                    + " bytes exceeds the limit of " + maxFrameSize);
        }
        return length + LENGTH_SIZE;
    }

    /** Reads and checks the header of a frame of {@code total} bytes at {@code offset} (10 bytes available). */
    private static Header readHeader(byte[] buffer, int offset, int total) {
        int version = buffer[offset + 4] & 0xFF;
        if (version != VERSION) {
            throw new ClusterProtocolException("Unsupported cluster frame version " + version + " (expected " + VERSION
                    + ")");
        }
        int kindCode = buffer[offset + 5] & 0xFF;
        Kind kind = Kind.of(kindCode);
        if (kind == null) {
            throw new ClusterProtocolException("Unknown cluster frame kind " + kindCode);
        }
        int source = BigEndian.getUnsignedShort(buffer, offset + 6);
        int target = BigEndian.getUnsignedShort(buffer, offset + 8);
        if (source > MAX_NODE) {
            throw new ClusterProtocolException("Cluster frame source node out of range: " + source);
        }
        if (target == source) {
            throw new ClusterProtocolException("Cluster frame addressed to its own source node " + source);
        }
        return new Header(kind, source, target, total - BODY_OFFSET);
    }

    /** A copy of the body of a whole frame. */
    public static byte[] body(byte[] frame) {
        header(frame);
        return Arrays.copyOfRange(frame, BODY_OFFSET, frame.length);
    }

    /**
     * Splits a byte stream into whole frames. The header of each frame is checked as soon as its 10 bytes are in, so
     * garbage is refused before its body is buffered; the buffer grows with the bytes received, never ahead of them.
     * After a {@link ClusterProtocolException} the stream has lost its framing: close it. Not thread-safe.
     */
    public static final class Reader {

        private final int maxFrameSize;
        private byte[] buffer = new byte[256];
        private int size;

        public Reader() {
            this(DEFAULT_MAX_FRAME_SIZE);
        }

        public Reader(int maxFrameSize) {
            if (maxFrameSize < BODY_OFFSET) {
                throw new IllegalArgumentException("maxFrameSize must be at least " + BODY_OFFSET);
            }
            this.maxFrameSize = maxFrameSize;
        }

        /** The bytes received that do not make a whole frame yet. */
        public int buffered() {
            return size;
        }

        public List<byte[]> feed(byte[] chunk) {
            return feed(chunk, 0, chunk.length);
        }

        /** Adds received bytes; returns the frames they complete, in order (often none or one). */
        public List<byte[]> feed(byte[] chunk, int offset, int length) {
            List<byte[]> frames = new ArrayList<>(1);
            int at = offset;
            int end = offset + length;
            while (at < end) {
                int take = Math.min(needed(), end - at);
                ensureCapacity(size + take);
                System.arraycopy(chunk, at, buffer, size, take);
                size += take;
                at += take;
                if (size < LENGTH_SIZE) {
                    continue;
                }
                int total = (int) frameSize(buffer, 0, maxFrameSize);
                if (size == BODY_OFFSET) {
                    readHeader(buffer, 0, total);
                }
                if (size >= BODY_OFFSET && size == total) {
                    frames.add(Arrays.copyOf(buffer, size));
                    size = 0;
                    if (buffer.length > 64 * 1024) {
                        buffer = new byte[256];
                    }
                }
            }
            return frames;
        }

        /** How many more bytes the current frame needs (the prefix and header first, then the body). */
        private int needed() {
            if (size < BODY_OFFSET) {
                if (size >= LENGTH_SIZE) {
                    frameSize(buffer, 0, maxFrameSize);
                }
                return BODY_OFFSET - size;
            }
            return (int) frameSize(buffer, 0, maxFrameSize) - size;
        }

        private void ensureCapacity(int capacity) {
            if (capacity > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(capacity, Math.min(buffer.length * 2, maxFrameSize)));
            }
        }
    }
}
