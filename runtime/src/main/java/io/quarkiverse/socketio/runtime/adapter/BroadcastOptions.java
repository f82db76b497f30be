package io.quarkiverse.socketio.runtime.adapter;

import java.time.Duration;
import java.util.Set;

/**
 * Which sockets a broadcast or a remote operation selects, and how the packet travels. The field names follow the
 * {@code opts} of socket.io-adapter's cluster messages.
 *
 * @param rooms sockets in any of these rooms; empty selects every socket of the namespace
 * @param except sockets in any of these rooms are left out
 * @param flags delivery flags
 */
public record BroadcastOptions(Set<String> rooms, Set<String> except, Flags flags) {

    public static final BroadcastOptions ALL = new BroadcastOptions(Set.of(), Set.of(), Flags.NONE);

    /**
     * @param volatile_ the packet may be dropped when the client cannot take it right away
     * @param compress the packet may be compressed
     * @param local only this process's sockets
     * @param timeout for a broadcast with acks, how long to wait for them ({@code null}: no timeout set)
     */
    public record Flags(boolean volatile_, boolean compress, boolean local, Duration timeout) {
        public static final Flags NONE = new Flags(false, true, false, null);
    }

    /** Whether a socket in these rooms is selected: in one of {@link #rooms} (or rooms empty), in none of except. */
    public boolean selects(Set<String> socketRooms) {
        boolean included = rooms.isEmpty();
        for (String room : socketRooms) {
            if (except.contains(room)) {
                return false;
            }
            included = included || rooms.contains(room);
        }
        return included;
    }
}
