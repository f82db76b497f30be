package io.quarkiverse.socketio.runtime.adapter.redis;

import java.util.regex.Pattern;

/**
 * The id of a Redis stream entry, {@code <ms>-<seq>} (two unsigned 64-bit numbers), ordered as Redis orders them. The
 * streams adapter's offsets of connection state recovery are these ids as text, as Node's adapter writes them.
 *
 * @param ms the milliseconds part, unsigned
 * @param seq the sequence part, unsigned
 */
record StreamId(long ms, long seq) implements Comparable<StreamId> {

    /** Before every entry: what a reader of an empty stream starts after. */
    static final StreamId ZERO = new StreamId(0, 0);

    /** Node's test of a client's offset before it tries to restore a session. */
    private static final Pattern SHAPE = Pattern.compile("[0-9]+-[0-9]+");

    /** The id of this text, or {@code null} when it is not one (Node's shape, and each part fits 64 bits). */
    static StreamId parse(String text) {
        if (text == null || text.length() > 41 || !SHAPE.matcher(text).matches()) {
            return null;
        }
        int dash = text.indexOf('-');
        try {
            return new StreamId(Long.parseUnsignedLong(text.substring(0, dash)),
                    Long.parseUnsignedLong(text.substring(dash + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The smallest id after this one: an exclusive start for XRANGE computed by hand, as Node does (the {@code (}
     * prefix needs Redis 6.2).
     */
    StreamId next() {
        return seq == -1L ? new StreamId(ms + 1, 0) : new StreamId(ms, seq + 1);
    }

    boolean isAfter(StreamId other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(StreamId other) {
        int byMs = Long.compareUnsigned(ms, other.ms);
        return byMs != 0 ? byMs : Long.compareUnsigned(seq, other.seq);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }
}
