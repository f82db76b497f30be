package io.quarkiverse.socketio.runtime.cluster.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class RecoveryMessageTest {

    private static final byte[] MESSAGE = { (byte) 0x84, 1, 2, 3 };
    private static final byte[] STATE = "{\"sid\":\"x\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void everyMessageRoundTrips() {
        assertArrayEquals(MESSAGE, ((RecoveryMessage.Sequence) roundTrip(new RecoveryMessage.Sequence(MESSAGE), 3,
                ClusterFrame.RELAY)).message());
        RecoveryMessage.Sequenced sequenced = (RecoveryMessage.Sequenced) roundTrip(
                new RecoveryMessage.Sequenced(1_700_000_000_000_123L, 3, MESSAGE), ClusterFrame.RELAY, ClusterFrame.ALL);
        assertEquals(1_700_000_000_000_123L, sequenced.offset());
        assertEquals(3, sequenced.origin());
        assertArrayEquals(MESSAGE, sequenced.message());
        RecoveryMessage.Connected connected = (RecoveryMessage.Connected) roundTrip(
                new RecoveryMessage.Connected("/chat é", STATE), 2, ClusterFrame.RELAY);
        assertEquals("/chat é", connected.key());
        assertArrayEquals(STATE, connected.state());
        RecoveryMessage.Disconnected disconnected = (RecoveryMessage.Disconnected) roundTrip(
                new RecoveryMessage.Disconnected("k", new byte[0]), 2, ClusterFrame.RELAY);
        assertEquals(0, disconnected.state().length);
        assertEquals("k", ((RecoveryMessage.Discard) roundTrip(new RecoveryMessage.Discard("k"), 2, 0)).key());
        assertEquals(new RecoveryMessage.Restore(7, 42, "/ pid"),
                roundTrip(new RecoveryMessage.Restore(7, 42, "/ pid"), 2, 0));
        RecoveryMessage.Restored none = (RecoveryMessage.Restored) roundTrip(
                new RecoveryMessage.Restored(7, null, List.of()), 0, 2);
        assertNull(none.state());
        RecoveryMessage.Restored found = (RecoveryMessage.Restored) roundTrip(new RecoveryMessage.Restored(8, STATE,
                List.of(new RecoveryMessage.Missed(43, MESSAGE), new RecoveryMessage.Missed(44, new byte[0]))), 0, 2);
        assertArrayEquals(STATE, found.state());
        assertEquals(2, found.missed().size());
        assertEquals(44, found.missed().get(1).offset());
        assertArrayEquals(MESSAGE, found.missed().get(0).message());
    }

    @Test
    void malformedBodiesAreRefused() {
        byte[] good = RecoveryMessage.frame(new RecoveryMessage.Restored(8, STATE,
                List.of(new RecoveryMessage.Missed(43, MESSAGE))), 0, 2);
        for (int cut = ClusterFrame.BODY_OFFSET + 1; cut < good.length; cut++) {
            byte[] body = Arrays.copyOfRange(good, ClusterFrame.BODY_OFFSET, cut);
            byte[] truncated = ClusterFrame.encode(ClusterFrame.Kind.RECOVERY, 0, 2, body);
            assertThrows(ClusterProtocolException.class, () -> RecoveryMessage.decode(truncated), "cut at " + cut);
        }
        byte[] unknown = ClusterFrame.encode(ClusterFrame.Kind.RECOVERY, 0, 2, new byte[] { 99 });
        assertThrows(ClusterProtocolException.class, () -> RecoveryMessage.decode(unknown));
        byte[] adapter = ClusterFrame.encode(ClusterFrame.Kind.ADAPTER, 0, 2, MESSAGE);
        assertThrows(ClusterProtocolException.class, () -> RecoveryMessage.decode(adapter));
    }

    private static RecoveryMessage roundTrip(RecoveryMessage message, int source, int target) {
        return RecoveryMessage.decode(RecoveryMessage.frame(message, source, target));
    }
}
