package io.quarkiverse.socketio.runtime.recovery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What connection state recovery keeps: the sessions of sockets (while they are connected, and for
 * {@code maxDisconnectionDuration} after a disconnection), and one log of the recoverable broadcasts of every
 * namespace, each numbered by one counter. The log is shared: a broadcast is kept once, whatever the number of its
 * recipients, and bounded by count, bytes and age (a broadcast older than the window cannot be missed by a session
 * that may still come back).
 * <p>
 * One process keeps its own store ({@code P} an encoded packet and its selection, {@code S} the session); in a cluster
 * the primary keeps one for every worker ({@code P} and {@code S} the bytes the workers sent, never decoded).
 * <p>
 * Thread-safe: every method holds the store's monitor. A caller that must deliver a packet in log order with respect
 * to other appends and restores (so that no recipient sees two packets out of order) does it while holding
 * {@code synchronized (store)} around {@link #append}.
 *
 * @param <P> a kept broadcast
 * @param <S> a kept session
 */
public final class RecoveryStore<P, S> {

    /** A session: what a worker sent, which node holds it while connected, and when it was disconnected. */
    public static final class Session<S> {
        S state;
        int node;
        /** 0 while connected; else when it was disconnected (the clock's milliseconds) */
        long disconnectedAt;

        public S state() {
            return state;
        }
    }

    /** A session taken for recovery, with the broadcasts logged after the client's offset. */
    public record Restored<P, S>(S session, List<P> missed) {
    }

    private record Entry<P>(long offset, P packet, int bytes, long at) {
    }

    private final RecoveryOptions options;
    private final LongSupplier clock;
    private final Map<String, Session<S>> sessions = new HashMap<>();
    private final ArrayDeque<Entry<P>> log = new ArrayDeque<>();
    private final long base;
    private long lastOffset;
    /** the offset of the last broadcast dropped (base when none): every broadcast after it is still in the log */
    private long droppedUpTo;
    private long bytes;
    private long evicted;

    /** A store whose offsets start above {@code base} (for example the start time in microseconds). */
    public RecoveryStore(RecoveryOptions options, long base, LongSupplier clock) {
        this.options = options;
        this.base = base;
        this.lastOffset = base;
        this.droppedUpTo = base;
        this.clock = clock;
    }

    public RecoveryStore(RecoveryOptions options) {
        this(options, System.currentTimeMillis() * 1000, System::currentTimeMillis);
    }

    public RecoveryOptions options() {
        return options;
    }

    /**
     * Numbers and keeps a broadcast; returns its offset. The oldest broadcasts go when a bound is passed, and those
     * older than the window go at once.
     */
    public synchronized long append(P packet, int size) {
        long offset = ++lastOffset;
        long now = clock.getAsLong();
        expireOld(now);
        log.addLast(new Entry<>(offset, packet, size, now));
        bytes += size;
        while (log.size() > options.maxPackets() || (bytes > options.maxBytes() && log.size() > 1)) {
            dropOldest();
        }
        return offset;
    }

    /** The offset the next {@link #append} will give. */
    public synchronized long nextOffset() {
        return lastOffset + 1;
    }

    /** Keeps (or replaces) the session of a connected socket held by {@code node}. */
    public synchronized void connected(String pid, S state, int node) {
        Session<S> session = sessions.computeIfAbsent(pid, p -> new Session<>());
        session.state = state;
        session.node = node;
        session.disconnectedAt = 0;
    }

    /** The socket disconnected in a way that allows recovery: its session is kept for the window. */
    public synchronized void disconnected(String pid, S state) {
        Session<S> session = sessions.computeIfAbsent(pid, p -> new Session<>());
        if (state != null) {
            session.state = state;
        }
        if (session.state == null) {
            sessions.remove(pid);
            return;
        }
        session.disconnectedAt = clock.getAsLong();
    }

    /** Every connected session held by a node that is gone counts as disconnected now. */
    public synchronized void nodeGone(int node) {
        long now = clock.getAsLong();
        for (Session<S> session : sessions.values()) {
            if (session.disconnectedAt == 0 && session.node == node) {
                session.disconnectedAt = now;
            }
        }
    }

    /** The socket left for good (a server or client namespace disconnect): its session cannot be recovered. */
    public synchronized void discard(String pid) {
        sessions.remove(pid);
    }

    /**
     * Takes a disconnected session for recovery: the session, and the broadcasts after {@code offset} in log order;
     * {@code null} when there is no such session, it expired, it is still connected, or the offset is not one this
     * store issued with every broadcast after it still kept (a client whose own last broadcast was dropped by age
     * recovers as long as none after it was). A session is taken once.
     */
    public synchronized Restored<P, S> take(String pid, long offset) {
        Session<S> session = sessions.get(pid);
        if (session == null || session.disconnectedAt == 0) {
            return null;
        }
        long now = clock.getAsLong();
        if (now - session.disconnectedAt > options.maxDisconnectionDuration().toMillis()) {
            sessions.remove(pid);
            return null;
        }
        expireOld(now);
        if (offset <= base || offset > lastOffset || offset < droppedUpTo) {
            return null;
        }
        sessions.remove(pid);
        List<P> missed = new ArrayList<>();
        Iterator<Entry<P>> newestFirst = log.descendingIterator();
        while (newestFirst.hasNext()) {
            Entry<P> entry = newestFirst.next();
            if (entry.offset() <= offset) {
                break;
            }
            missed.add(entry.packet());
        }
        java.util.Collections.reverse(missed);
        return new Restored<>(session.state, missed);
    }

    /** Forgets the sessions and broadcasts older than the window. */
    public synchronized void sweep() {
        long now = clock.getAsLong();
        long window = options.maxDisconnectionDuration().toMillis();
        sessions.values().removeIf(s -> s.disconnectedAt != 0 && now - s.disconnectedAt > window);
        expireOld(now);
    }

    private void expireOld(long now) {
        long window = options.maxDisconnectionDuration().toMillis();
        while (!log.isEmpty() && now - log.peekFirst().at() > window) {
            dropOldest();
        }
    }

    private void dropOldest() {
        Entry<P> oldest = log.removeFirst();
        bytes -= oldest.bytes();
        droppedUpTo = oldest.offset();
        evicted++;
    }

    /** What the store holds now. */
    public synchronized Stats stats() {
        int disconnected = 0;
        for (Session<S> session : sessions.values()) {
            if (session.disconnectedAt != 0) {
                disconnected++;
            }
        }
        return new Stats(sessions.size(), disconnected, log.size(), bytes, evicted);
    }

    /**
     * @param sessions the sessions kept, connected or not
     * @param disconnectedSessions those waiting for their client
     * @param packets the broadcasts kept
     * @param bytes their size
     * @param evictedPackets the broadcasts dropped so far (bounds or age)
     */
    public record Stats(int sessions, int disconnectedSessions, int packets, long bytes, long evictedPackets) {
    }
}
