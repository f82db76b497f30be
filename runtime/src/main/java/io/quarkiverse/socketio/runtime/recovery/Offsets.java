package io.quarkiverse.socketio.runtime.recovery;

/**
 * The offsets broadcasts carry as their last argument: a number of the store's log, written in base 36. Clients treat
 * them as opaque strings and send the last one back when they reconnect.
 */
public final class Offsets {

    private Offsets() {
    }

    public static String format(long offset) {
        return Long.toString(offset, 36);
    }

    /** The offset a client sent, or {@code -1} when it is not one this server could have written. */
    public static long parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 13) {
            return -1;
        }
        try {
            long offset = Long.parseLong(text, 36);
            return offset > 0 ? offset : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
