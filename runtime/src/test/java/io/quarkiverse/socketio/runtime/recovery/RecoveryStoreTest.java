package io.quarkiverse.socketio.runtime.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The rules of the recovery store, on a clock the test moves. */
class RecoveryStoreTest {

    private long now = 1_000_000;
    private final RecoveryStore<String, String> store = new RecoveryStore<>(
            new RecoveryOptions(Duration.ofSeconds(10), true, 5, 1000), 100, () -> now);

    @Test
    void aDisconnectedSessionGetsTheBroadcastsAfterItsOffsetOnce() {
        long first = store.append("a", 1);
        store.append("b", 1);
        store.connected("s", "state", 1);
        assertNull(store.take("s", first), "a connected session is not taken");
        store.disconnected("s", "state2");
        store.append("c", 1);
        RecoveryStore.Restored<String, String> restored = store.take("s", first);
        assertNotNull(restored);
        assertEquals("state2", restored.session());
        assertEquals(List.of("b", "c"), restored.missed());
        assertNull(store.take("s", first), "a session is taken once");
    }

    @Test
    void offsetsStartAboveTheBaseAndFollowEachOther() {
        assertEquals(101, store.append("a", 1));
        assertEquals(102, store.append("b", 1));
        assertEquals(103, store.nextOffset());
    }

    @Test
    void aForgedOrDroppedOffsetGivesNothingAndKeepsTheSession() {
        long first = store.append("a", 1);
        store.disconnected("s", "state");
        assertNull(store.take("s", 100), "the base itself was never issued");
        assertNull(store.take("s", 1), "below the base");
        assertNull(store.take("s", first + 1), "not issued yet");
        for (int i = 0; i < 6; i++) {
            store.append("x" + i, 1);
        }
        // max 5 kept: "a" and "x0" dropped; an offset before "x0" misses it
        assertNull(store.take("s", first), "a broadcast after this offset was dropped");
        assertNotNull(store.take("s", first + 1), "every broadcast after the last dropped one is kept");
    }

    @Test
    void boundsByCountBytesAndAge() {
        for (int i = 0; i < 20; i++) {
            store.append("p" + i, 300);
        }
        RecoveryStore.Stats stats = store.stats();
        assertEquals(3, stats.packets(), "1000 bytes hold three of 300");
        assertEquals(900, stats.bytes());
        assertEquals(17, stats.evictedPackets());
        now += 11_000;
        store.sweep();
        assertEquals(0, store.stats().packets(), "older than the window");
    }

    @Test
    void aSessionExpiresAfterTheWindow() {
        long offset = store.append("a", 1);
        store.disconnected("s", "state");
        now += 10_001;
        assertNull(store.take("s", offset));
        assertEquals(0, store.stats().sessions());
    }

    @Test
    void aGoneNodesSessionsCountAsDisconnected() {
        long offset = store.append("a", 1);
        store.connected("s1", "one", 1);
        store.connected("s2", "two", 2);
        store.nodeGone(1);
        assertEquals(1, store.stats().disconnectedSessions());
        assertEquals("one", store.take("s1", offset).session());
        assertNull(store.take("s2", offset));
        store.discard("s2");
        assertEquals(0, store.stats().sessions());
    }
}
