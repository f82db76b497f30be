package io.quarkiverse.socketio.runtime.cluster.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.vertx.core.net.SocketAddress;

/** The session table alone: what it learns, what holds a session, what it forgets and when, and what it counts. */
class SessionTableTest {

    static final Duration IDLE = Duration.ofSeconds(90);

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final SessionTable table = new SessionTable(new RouterOptions().sessionIdleTimeout(IDLE).maxSessions(3), now::get);
    // the table never reaches a worker's connections
    final RoutedWorker one = new RoutedWorker(1, SocketAddress.inetSocketAddress(1, "127.0.0.1"), null, null);
    final RoutedWorker two = new RoutedWorker(2, SocketAddress.inetSocketAddress(2, "127.0.0.1"), null, null);

    void pass(Duration d) {
        now.addAndGet(d.toNanos());
    }

    /** A handshake sent to {@code worker} that the worker answered with {@code sid}. */
    SessionTable.Session handshake(RoutedWorker worker, String sid) {
        table.countSent(worker);
        table.handshakeAnswered(worker, sid);
        return table.find(sid);
    }

    @Test
    void aHandshakeCountsWhenSentAndItsCountBecomesTheSessions() {
        table.countSent(one);
        assertEquals(1, one.load.get(), "counted the moment it is sent");
        table.handshakeAnswered(one, "a");
        assertEquals(1, one.load.get(), "the same count, now the session's");
        assertEquals(1, table.ownerOf("a"));
        assertEquals(1, table.size());

        table.countSent(one);
        table.handshakeAnswered(one, null); // refused, or no open packet
        assertEquals(1, one.load.get());
        assertEquals(1, table.size());
    }

    @Test
    void aHandshakeAnsweredByARemovedWorkerRegistersNothing() {
        table.countSent(one);
        one.removed = true;
        table.handshakeAnswered(one, "a");
        assertEquals(0, one.load.get());
        assertEquals(-1, table.ownerOf("a"));
        assertEquals(0, table.size());
    }

    @Test
    void aSidAnsweredAgainReplacesItsSessionAndTheOldCountIsGivenBackOnce() {
        SessionTable.Session first = handshake(one, "a");
        SessionTable.Session second = handshake(two, "a");
        assertEquals(0, one.load.get());
        assertEquals(1, two.load.get());
        assertEquals(2, table.ownerOf("a"));

        table.forget("a", first); // a late refusal of the old session forgets nothing
        assertEquals(2, table.ownerOf("a"));
        assertEquals(0, one.load.get());
        table.forget("a", second);
        table.forget("a", second);
        assertEquals(-1, table.ownerOf("a"));
        assertEquals(0, two.load.get(), "given back once");
    }

    @Test
    void anIdleSessionIsSweptAfterTheTimeoutAndNotBefore() {
        handshake(one, "a");
        pass(IDLE.minusSeconds(1));
        table.sweep();
        assertEquals(1, table.ownerOf("a"));
        assertNotNull(table.find("a"), "a request of it: seen now");
        pass(IDLE.minusSeconds(1));
        table.sweep();
        assertEquals(1, table.ownerOf("a"), "a request restarted its idle time");
        pass(Duration.ofSeconds(2));
        table.sweep();
        assertEquals(-1, table.ownerOf("a"));
        assertEquals(0, one.load.get());
    }

    @Test
    void aRequestInFlightHoldsItsSessionAndItsEndCountsAsSeen() {
        SessionTable.Session a = handshake(one, "a");
        table.requestStarted(a); // a long-poll held longer than the idle timeout
        pass(IDLE.multipliedBy(2));
        table.sweep();
        assertEquals(1, table.ownerOf("a"));
        table.requestEnded(a);
        pass(IDLE.minusSeconds(1));
        table.sweep();
        assertEquals(1, table.ownerOf("a"), "idle since the request ended");
        pass(Duration.ofSeconds(2));
        table.sweep();
        assertEquals(-1, table.ownerOf("a"));
    }

    @Test
    void anOpenWebSocketHoldsItsSessionWhichEndsWithItOnlyWhenItLivedOnIt() {
        SessionTable.Session a = handshake(one, "a");
        table.webSocketOpening(a);
        pass(IDLE.multipliedBy(2));
        table.sweep();
        assertEquals(1, table.ownerOf("a"), "held by its WebSocket");
        table.webSocketEnded("a", a, false); // the probe failed: the session goes on polling
        assertEquals(1, table.ownerOf("a"));
        table.sweep();
        assertEquals(1, table.ownerOf("a"), "seen when its WebSocket ended");

        table.webSocketOpening(a);
        table.webSocketEnded("a", a, true); // upgraded to it: the session ends with it
        assertEquals(-1, table.ownerOf("a"));
        assertEquals(0, one.load.get());
    }

    @Test
    void aWebSocketThatDidNotOpenGivesBackWhatItsRouteCounted() {
        SessionTable.Session a = handshake(one, "a");
        table.webSocketOpening(a);
        table.webSocketNotOpened(Route.session("a", a));
        assertEquals(0, a.pipes.get());
        assertEquals(1, table.ownerOf("a"), "the session goes on polling");
        assertEquals(1, one.load.get());

        table.countSent(two);
        table.webSocketNotOpened(Route.chosen(Route.Kind.HANDSHAKE, two));
        assertEquals(0, two.load.get());
    }

    @Test
    void aSessionOpenedOverAPipedWebSocketIsHeldByItFromTheStart() {
        table.countSent(one);
        SessionTable.Session a = table.openedOverWebSocket(one, "a");
        assertTrue(a.direct);
        assertEquals(1, one.load.get(), "the handshake's count became the session's");
        pass(IDLE.multipliedBy(2));
        table.sweep();
        assertEquals(1, table.ownerOf("a"));
        table.webSocketEnded("a", a, a.direct);
        assertEquals(-1, table.ownerOf("a"));
        assertEquals(0, one.load.get());
    }

    @Test
    void aRemovedWorkersSidsAreUnknownThenForgotten() {
        handshake(one, "a");
        handshake(two, "b");
        one.removed = true;
        assertNull(table.find("a"), "its next request gets 400 code 1");
        assertEquals(-1, table.ownerOf("a"));
        table.forgetAll(one);
        assertEquals(1, table.size());
        assertSame(two, table.find("b").worker);
    }

    @Test
    void theTableIsBounded() {
        handshake(one, "a");
        handshake(one, "b");
        assertFalse(table.full());
        handshake(two, "c");
        assertTrue(table.full(), "maxSessions 3: handshakes are refused");
        table.forget("c", table.find("c"));
        assertFalse(table.full());
    }

    @Test
    void plainRequestsCountWhileInFlight() {
        table.countSent(two);
        table.countSent(two);
        assertEquals(2, two.load.get());
        table.countEnded(two);
        table.countEnded(two);
        assertEquals(0, two.load.get());
        assertEquals(0, table.size());
    }
}
