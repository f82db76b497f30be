package io.quarkiverse.socketio.runtime.cluster.primary;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The router's memory of Engine.IO sessions: which worker owns each sid, what holds a session (requests in flight,
 * WebSockets open through the router), when it was last seen, and the workers' least-connection counts.
 * <p>
 * <b>Learning.</b> A sid is registered from the handshake answer the router relays, before the client can see it
 * ({@link #handshakeAnswered}, {@link #openedOverWebSocket}).
 * <p>
 * <b>Forgetting.</b> The router never parses the Engine.IO stream, so a sid is forgotten when: the worker answers a
 * request of it with 400 code 1 ({@link #forget}); a WebSocket of it closes after the session was upgraded to it or
 * was opened over it, since the session ends with its transport ({@link #webSocketEnded}); its worker is removed
 * ({@link #forgetAll}); or, in the {@link #sweep}, no request of it was seen for
 * {@link RouterOptions#sessionIdleTimeout()} while nothing holds it (polling sessions closed by the client, or by a
 * ping timeout). A replaced or forgotten session gives back its count once.
 * <p>
 * <b>Bound.</b> At most {@link RouterOptions#maxSessions()} sids: the router refuses handshakes while {@link #full()}.
 * <p>
 * <b>Counts</b> ({@link RoutedWorker#load}), per worker: handshakes in flight (counted when the router sends them) +
 * sessions it knows of + plain requests and WebSockets in flight. A handshake's count becomes its session's.
 * <p>
 * <b>Threads.</b> Every method may be called from any thread: the router's event loops, the sweep's timer, the
 * primary's supervision and relay threads. The table is a concurrent map of sessions whose holds and counts are
 * atomic; no lock is taken.
 */
final class SessionTable {

    /** One sid the router knows of. */
    static final class Session {
        final RoutedWorker worker;
        /** Opened over a WebSocket handshake through the router: it ends with that WebSocket. */
        final boolean direct;
        /** WebSockets of it open through the router, or connecting (handed over: until the worker reports it closed). */
        final AtomicInteger pipes = new AtomicInteger();
        /** Its requests in flight (a pending long-poll among them). */
        final AtomicInteger inFlight = new AtomicInteger();
        /** {@link SessionTable}'s clock when a request of it was last seen or ended. */
        volatile long lastSeen;

        Session(RoutedWorker worker, boolean direct, long now) {
            this.worker = worker;
            this.direct = direct;
            this.lastSeen = now;
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final int maxSessions;
    private final long idleNanos;
    private final LongSupplier clock;

    SessionTable(RouterOptions options) {
        this(options, System::nanoTime);
    }

    /** With {@code clock} in nanoseconds ({@link System#nanoTime()}, or a test's). */
    SessionTable(RouterOptions options, LongSupplier clock) {
        this.maxSessions = options.maxSessions();
        this.idleNanos = options.sessionIdleTimeout().toNanos();
        this.clock = clock;
    }

    /** How often {@link #sweep()} should run: a quarter of the idle timeout, at least every second. */
    static long sweepPeriodMillis(RouterOptions options) {
        return Math.max(1000, options.sessionIdleTimeout().toMillis() / 4);
    }

    // ---------------------------------------------------------------- lookups

    /**
     * The session of {@code sid}, marked as seen now; null when the sid is unknown or its worker was removed (its next
     * request gets 400 code 1).
     */
    Session find(String sid) {
        Session session = sessions.get(sid);
        if (session == null || session.worker.removed) {
            return null;
        }
        session.lastSeen = clock.getAsLong();
        return session;
    }

    /** The index of the worker owning this sid, or -1. */
    int ownerOf(String sid) {
        Session s = sessions.get(sid);
        return s == null || s.worker.removed ? -1 : s.worker.index;
    }

    int size() {
        return sessions.size();
    }

    /** Whether the table holds {@link RouterOptions#maxSessions()} sids: a new handshake is refused (503). */
    boolean full() {
        return sessions.size() >= maxSessions;
    }

    // ---------------------------------------------------------------- counts without a session

    /** A handshake, a plain request or a plain WebSocket is sent to {@code worker}: counted at once. */
    void countSent(RoutedWorker worker) {
        worker.load.incrementAndGet();
    }

    /** A plain request or WebSocket ended, or a handshake failed: its count is given back. */
    void countEnded(RoutedWorker worker) {
        worker.load.decrementAndGet();
    }

    // ---------------------------------------------------------------- learning

    /**
     * The worker answered a polling handshake: with {@code sid}, the handshake's count becomes the new session's (unless
     * the worker was removed meanwhile); with null (a refusal, no open packet), the count is given back.
     */
    void handshakeAnswered(RoutedWorker worker, String sid) {
        if (sid == null || worker.removed) {
            worker.load.decrementAndGet();
            return;
        }
        put(sid, new Session(worker, false, clock.getAsLong()));
    }

    /**
     * The worker opened a session over a WebSocket piped through the router (a direct WebSocket handshake): the
     * handshake's count becomes the session's, which that WebSocket holds and which ends with it.
     */
    Session openedOverWebSocket(RoutedWorker worker, String sid) {
        Session session = new Session(worker, true, clock.getAsLong());
        session.pipes.incrementAndGet();
        put(sid, session);
        return session;
    }

    private void put(String sid, Session session) {
        Session previous = sessions.put(sid, session);
        if (previous != null) {
            previous.worker.load.decrementAndGet();
        }
    }

    // ---------------------------------------------------------------- holds

    /** A request of the session goes to its worker: the sweep leaves the session alone until it ended. */
    void requestStarted(Session session) {
        session.inFlight.incrementAndGet();
    }

    void requestEnded(Session session) {
        session.lastSeen = clock.getAsLong();
        session.inFlight.decrementAndGet();
    }

    /** A WebSocket of the session is being opened, handed over or piped: it holds the session until it ended. */
    void webSocketOpening(Session session) {
        session.pipes.incrementAndGet();
    }

    /**
     * A WebSocket of the session ended (or never opened); with {@code sessionEnds} (the session lived on it), the sid is
     * forgotten.
     */
    void webSocketEnded(String sid, Session session, boolean sessionEnds) {
        session.lastSeen = clock.getAsLong();
        session.pipes.decrementAndGet();
        if (sessionEnds) {
            forget(sid, session);
        }
    }

    /**
     * A WebSocket routed by {@code route} did not open (refused, unreachable, a failed handoff): the hold on its session,
     * or its worker's count, is given back.
     */
    void webSocketNotOpened(Route route) {
        if (route.kind() == Route.Kind.SESSION) {
            webSocketEnded(route.sid(), route.session(), false);
        } else {
            countEnded(route.worker());
        }
    }

    // ---------------------------------------------------------------- forgetting

    /** Forgets {@code sid} if it still names this very session, giving back its count. */
    void forget(String sid, Session session) {
        if (sessions.remove(sid, session)) {
            session.worker.load.decrementAndGet();
        }
    }

    /** Forgets every sid {@code worker} owns (it was removed: its count no longer matters). */
    void forgetAll(RoutedWorker worker) {
        sessions.values().removeIf(s -> s.worker == worker);
    }

    /** Forgets the sessions nothing holds that were not seen for the idle timeout. */
    void sweep() {
        long now = clock.getAsLong();
        for (Map.Entry<String, Session> e : sessions.entrySet()) {
            Session s = e.getValue();
            if (s.pipes.get() == 0 && s.inFlight.get() == 0 && now - s.lastSeen > idleNanos) {
                forget(e.getKey(), s);
            }
        }
    }

    void clear() {
        sessions.clear();
    }
}
