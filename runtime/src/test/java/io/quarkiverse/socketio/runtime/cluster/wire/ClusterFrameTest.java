package io.quarkiverse.socketio.runtime.cluster.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.runtime.cluster.wire.ClusterFrame.Header;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterFrame.Kind;

class ClusterFrameTest {

    private static final byte[] BODY = { 1, 2, 3, 4, 5, (byte) 0xFF };

    @Test
    void layoutIsLengthVersionKindSourceTargetBody() {
        byte[] frame = ClusterFrame.encode(Kind.ADAPTER, 0x0102, 0xFFFF, BODY);
        assertArrayEquals(new byte[] { 0, 0, 0, 12, 1, 1, 0x01, 0x02, (byte) 0xFF, (byte) 0xFF, 1, 2, 3, 4, 5,
                (byte) 0xFF }, frame);
        Header header = ClusterFrame.header(frame);
        assertEquals(new Header(Kind.ADAPTER, 0x0102, ClusterFrame.ALL, BODY.length), header);
        assertTrue(header.toAll());
        assertArrayEquals(BODY, ClusterFrame.body(frame));
    }

    @Test
    void roundTripsTargetsAndEmptyBodies() {
        for (int[] route : new int[][] { { 1, 2 }, { 2, 1 }, { 0, 7 }, { 65534, 0 }, { 3, 0xFFFF } }) {
            for (byte[] body : List.of(new byte[0], BODY)) {
                byte[] frame = ClusterFrame.encode(Kind.ADAPTER, route[0], route[1], body);
                Header header = ClusterFrame.header(frame);
                assertEquals(route[0], header.source());
                assertEquals(route[1], header.target());
                assertEquals(body.length, header.bodyLength());
                assertArrayEquals(body, ClusterFrame.body(frame));
            }
        }
    }

    @Test
    void encodeRefusesImpossibleRoutes() {
        assertThrows(IllegalArgumentException.class, () -> ClusterFrame.encode(Kind.ADAPTER, 0xFFFF, 1, BODY));
        assertThrows(IllegalArgumentException.class, () -> ClusterFrame.encode(Kind.ADAPTER, -1, 1, BODY));
        assertThrows(IllegalArgumentException.class, () -> ClusterFrame.encode(Kind.ADAPTER, 1, 0x10000, BODY));
        assertThrows(IllegalArgumentException.class, () -> ClusterFrame.encode(Kind.ADAPTER, 4, 4, BODY));
        assertThrows(IllegalArgumentException.class, () -> ClusterFrame.encode(null, 1, 2, BODY));
    }

    @Test
    void truncatedFramesAreRejected() {
        byte[] frame = ClusterFrame.encode(Kind.ADAPTER, 1, 2, BODY);
        for (int length = 0; length < frame.length; length++) {
            byte[] cut = Arrays.copyOf(frame, length);
            ClusterProtocolException e = assertThrows(ClusterProtocolException.class, () -> ClusterFrame.header(cut));
            assertTrue(e.getMessage().contains("Truncated") || e.getMessage().contains("length"), e.getMessage());
        }
        byte[] longer = Arrays.copyOf(frame, frame.length + 1);
        assertThrows(ClusterProtocolException.class, () -> ClusterFrame.header(longer));
        assertThrows(ClusterProtocolException.class, () -> ClusterFrame.header(null));
    }

    @Test
    void garbageHeadersAreRejectedWithAClearMessage() {
        byte[] frame = ClusterFrame.encode(Kind.ADAPTER, 1, 2, BODY);
        assertMessage(with(frame, 4, 2), "version");
        assertMessage(with(frame, 5, 0), "kind");
        assertMessage(with(frame, 5, 99), "kind");
        byte[] sourceAll = with(with(frame, 6, 0xFF), 7, 0xFF);
        assertMessage(sourceAll, "source");
        byte[] toItself = with(with(frame, 8, 0), 9, 1);
        assertMessage(toItself, "own source");
        byte[] shortLength = with(frame, 3, 5);
        assertMessage(shortLength, "shorter than its header");
        byte[] hugeLength = with(frame, 0, 0x7F);
        assertMessage(hugeLength, "exceeds the limit");
        assertMessage("GET / HTTP/1.1\r\n\r\n".getBytes(), "exceeds the limit");
    }

    @Test
    void readerSplitsAStreamWhateverTheChunks() {
        List<byte[]> frames = new ArrayList<>();
        Random random = new Random(5);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++) {
            byte[] body = new byte[random.nextInt(i % 10 == 0 ? 70_000 : 300)];
            random.nextBytes(body);
            byte[] frame = ClusterFrame.encode(Kind.ADAPTER, 1 + random.nextInt(5), 0xFFFF, body);
            frames.add(frame);
            stream.writeBytes(frame);
        }
        byte[] all = stream.toByteArray();
        for (int maxChunk : new int[] { 1, 3, 10, 1000, all.length }) {
            ClusterFrame.Reader reader = new ClusterFrame.Reader();
            List<byte[]> out = new ArrayList<>();
            int at = 0;
            while (at < all.length) {
                int chunk = Math.min(all.length - at, 1 + random.nextInt(maxChunk));
                out.addAll(reader.feed(all, at, chunk));
                at += chunk;
            }
            assertEquals(frames.size(), out.size(), "chunks up to " + maxChunk);
            for (int i = 0; i < frames.size(); i++) {
                assertArrayEquals(frames.get(i), out.get(i));
            }
            assertEquals(0, reader.buffered());
        }
    }

    @Test
    void readerKeepsAnIncompleteFrameAndRejectsGarbageEarly() {
        ClusterFrame.Reader reader = new ClusterFrame.Reader(1024);
        byte[] frame = ClusterFrame.encode(Kind.ADAPTER, 1, 2, BODY);
        assertEquals(List.of(), reader.feed(frame, 0, frame.length - 1));
        assertEquals(frame.length - 1, reader.buffered());
        List<byte[]> done = reader.feed(frame, frame.length - 1, 1);
        assertArrayEquals(frame, done.get(0));

        // a declared length above the limit is refused from its 4 bytes, before any body is buffered
        ClusterFrame.Reader limited = new ClusterFrame.Reader(1024);
        ClusterProtocolException tooBig = assertThrows(ClusterProtocolException.class,
                () -> limited.feed(new byte[] { 0, 0, 0x10, 0, 1 }));
        assertTrue(tooBig.getMessage().contains("exceeds the limit"), tooBig.getMessage());

        // a bad header is refused once its 10 bytes are in, not after the body
        ClusterFrame.Reader garbage = new ClusterFrame.Reader(1024);
        byte[] bad = with(ClusterFrame.encode(Kind.ADAPTER, 1, 2, new byte[500]), 4, 9);
        assertThrows(ClusterProtocolException.class, () -> garbage.feed(bad, 0, 10));
    }

    private static byte[] with(byte[] frame, int index, int value) {
        byte[] copy = frame.clone();
        copy[index] = (byte) value;
        return copy;
    }

    private static void assertMessage(byte[] frame, String part) {
        ClusterProtocolException e = assertThrows(ClusterProtocolException.class, () -> ClusterFrame.header(frame));
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention " + part);
    }
}
