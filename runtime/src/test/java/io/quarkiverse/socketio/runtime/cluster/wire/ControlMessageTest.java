package io.quarkiverse.socketio.runtime.cluster.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ControlMessageTest {

    private static final ControlMessage.ClusterStats STATS = new ControlMessage.ClusterStats(Map.of(1, 0, 2, 3, 1024,
            Integer.MAX_VALUE), 123_456_789_012L, Long.MAX_VALUE);

    @Test
    void everyMessageRoundTrips() {
        List<ControlMessage> messages = List.of(new ControlMessage.Welcome(Set.of(1, 2, 65534)),
                new ControlMessage.Ready(), new ControlMessage.NodeJoined(7), new ControlMessage.NodeLeft(65534),
                new ControlMessage.Stats(Integer.MAX_VALUE), new ControlMessage.ClusterReadiness(2, 3), STATS,
                new ControlMessage.ClusterStats(Map.of(), 0, 0), new ControlMessage.HandoffClosed("Xy-9_a", true),
                new ControlMessage.HandoffClosed("", false));
        for (ControlMessage message : messages) {
            byte[] frame = ControlMessage.frame(message, ClusterFrame.RELAY, 5);
            assertEquals(message, ControlMessage.decode(frame), "round trip of " + message);
            ClusterFrame.Header header = ClusterFrame.header(frame);
            assertEquals(ClusterFrame.Kind.CONTROL, header.kind());
            assertEquals(5, header.target());
        }
        ControlMessage.Hello hello = (ControlMessage.Hello) ControlMessage
                .decode(ControlMessage.frame(ControlMessage.hello("s3cret"), 3, ClusterFrame.RELAY));
        assertArrayEquals("s3cret".getBytes(), hello.secret());
    }

    @Test
    void clusterStatsLayout() {
        byte[] body = ClusterFrame.body(ControlMessage.frame(
                new ControlMessage.ClusterStats(Map.of(2, 0x01020304), 0x0A0B, 0x0102030405060708L), 0, 1));
        assertArrayEquals(new byte[] { 8, 0, 1, 0, 2, 1, 2, 3, 4, // one worker: index 2, its restarts
                0, 0, 0, 0, 0, 0, 0x0A, 0x0B, // frames
                1, 2, 3, 4, 5, 6, 7, 8 }, body);
    }

    @Test
    void clusterStatsOfAWrongLengthIsRefused() {
        byte[] body = ClusterFrame.body(ControlMessage.frame(STATS, 0, 1));
        // every truncation, and one byte too many
        for (int length = 1; length < body.length; length++) {
            byte[] shorter = ClusterFrame.encode(ClusterFrame.Kind.CONTROL, 0, 1, Arrays.copyOf(body, length));
            assertThrows(ClusterProtocolException.class, () -> ControlMessage.decode(shorter), "length " + length);
        }
        byte[] longer = ClusterFrame.encode(ClusterFrame.Kind.CONTROL, 0, 1, Arrays.copyOf(body, body.length + 1));
        assertThrows(ClusterProtocolException.class, () -> ControlMessage.decode(longer));
        // a count that claims more workers than the body holds
        byte[] lying = body.clone();
        lying[2]++;
        assertThrows(ClusterProtocolException.class,
                () -> ControlMessage.decode(ClusterFrame.encode(ClusterFrame.Kind.CONTROL, 0, 1, lying)));
    }

    @Test
    void clusterStatsWithImpossibleValuesIsRefused() {
        byte[] body = ClusterFrame.body(ControlMessage.frame(
                new ControlMessage.ClusterStats(Map.of(1, 1, 2, 1), 1, 1), 0, 1));
        byte[] twice = body.clone();
        twice[10] = 1; // worker 2 becomes a second worker 1
        assertThrows(ClusterProtocolException.class,
                () -> ControlMessage.decode(ClusterFrame.encode(ClusterFrame.Kind.CONTROL, 0, 1, twice)));
        byte[] hugeRestarts = body.clone();
        hugeRestarts[5] = (byte) 0x80;
        assertThrows(ClusterProtocolException.class,
                () -> ControlMessage.decode(ClusterFrame.encode(ClusterFrame.Kind.CONTROL, 0, 1, hugeRestarts)));
        byte[] negativeFrames = body.clone();
        negativeFrames[15] = (byte) 0x80;
        assertThrows(ClusterProtocolException.class,
                () -> ControlMessage.decode(ClusterFrame.encode(ClusterFrame.Kind.CONTROL, 0, 1, negativeFrames)));

        Map<Integer, Integer> negative = new HashMap<>(Map.of(1, -1));
        assertThrows(IllegalArgumentException.class, () -> new ControlMessage.ClusterStats(negative, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ControlMessage.ClusterStats(Map.of(0x10000, 1), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ControlMessage.ClusterStats(Map.of(), -1, 0));
    }

    @Test
    void otherMalformedMessagesAreRefused() {
        for (byte[] body : List.of(new byte[0], new byte[] { 3, 0 }, new byte[] { 4, 0 }, new byte[] { 6, 0, 0, 0 },
                new byte[] { 7, 0, 1, 0 }, new byte[] { 2, 0, 2, 0, 1 }, new byte[] { 9 }, new byte[] { 9, 2, 'a' },
                new byte[] { 99 })) {
            assertThrows(ClusterProtocolException.class,
                    () -> ControlMessage.decode(ClusterFrame.encode(ClusterFrame.Kind.CONTROL, 0, 1, body)),
                    Arrays.toString(body));
        }
        assertThrows(ClusterProtocolException.class,
                () -> ControlMessage.decode(ClusterFrame.encode(ClusterFrame.Kind.ADAPTER, 1, 2, new byte[] { 3 })));
    }
}
