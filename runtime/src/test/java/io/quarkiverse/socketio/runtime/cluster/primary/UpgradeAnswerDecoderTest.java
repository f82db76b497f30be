package io.quarkiverse.socketio.runtime.cluster.primary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

/** A worker's answer to an upgrade request, read from the raw bytes of its connection as they come. */
class UpgradeAnswerDecoderTest {

    static final int MAX = 1024;
    static final int[] READS = { 1, 2, 3, 7, 64, 100_000 };

    static Buffer bytes(String text) {
        return Buffer.buffer(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Feeds {@code stream} in reads of {@code read} bytes; ends the connection after it when {@code close}. */
    static UpgradeAnswerDecoder.Answer decode(Buffer stream, int read, boolean close) throws Exception {
        try (UpgradeAnswerDecoder decoder = new UpgradeAnswerDecoder(MAX)) {
            for (int at = 0; at < stream.length(); at += read) {
                UpgradeAnswerDecoder.Answer answer = decoder.feed(stream.getBuffer(at, Math.min(stream.length(), at + read)));
                if (answer != null) {
                    assertTrue(at + read >= stream.length(), "complete only with its last byte");
                    return answer;
                }
            }
            return close ? decoder.end() : null;
        }
    }

    static List<String> lines(UpgradeAnswerDecoder.Answer answer) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, String> e : answer.headers()) {
            lines.add(e.getKey() + ": " + e.getValue());
        }
        return lines;
    }

    static String text(Buffer b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void a101PassesItsHeadAsItCameAndTheFramesAfterIt() throws Exception {
        // the open packet as an unmasked text frame, then a binary frame with every byte value
        Buffer frames = Buffer.buffer().appendByte((byte) 0x81).appendByte((byte) 12).appendString("0{\"sid\":\"x\"}")
                .appendByte((byte) 0x82).appendByte((byte) 126).appendUnsignedShort(256);
        for (int i = 0; i < 256; i++) {
            frames.appendByte((byte) i);
        }
        Buffer stream = bytes("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nConnection: Upgrade\r\n"
                + "sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n")
                .appendBuffer(frames);
        for (int read : READS) {
            // the frames arrive in the read that completes the head
            int headLength = stream.length() - frames.length();
            UpgradeAnswerDecoder.Answer answer;
            try (UpgradeAnswerDecoder decoder = new UpgradeAnswerDecoder(MAX)) {
                for (int at = 0; at < headLength - 1; at += read) {
                    assertNull(decoder.feed(stream.getBuffer(at, Math.min(headLength - 1, at + read))),
                            "the head is not complete yet");
                }
                answer = decoder.feed(stream.getBuffer(headLength - 1, stream.length()));
            }
            assertTrue(answer.switched());
            assertEquals(List.of("upgrade: websocket", "Connection: Upgrade",
                    "sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "Sec-WebSocket-Protocol: chat"), lines(answer),
                    "nothing added, nothing renamed (reads of " + read + ")");
            assertArrayEquals(frames.getBytes(), answer.bytes().getBytes(), "the worker's first frames");
        }
    }

    @Test
    void a101AloneHasNoBytesAfterIt() throws Exception {
        UpgradeAnswerDecoder.Answer answer = decode(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n"), 5, false);
        assertTrue(answer.switched());
        assertEquals(0, answer.bytes().length());
    }

    @Test
    void aRefusalWithAFixedLengthBody() throws Exception {
        String body = "{\"code\":1,\"message\":\"Session ID unknown\"}";
        for (int read : READS) {
            UpgradeAnswerDecoder.Answer answer = decode(bytes("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json"
                    + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body), read, false);
            assertEquals(400, answer.status());
            assertEquals(body, text(answer.bytes()), "reads of " + read);
            assertEquals("application/json", answer.headers().get("content-type"));
        }
    }

    @Test
    void aChunkedRefusalIsDechunked() throws Exception {
        Buffer stream = bytes("HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\nX-Why: origin\r\n\r\n"
                + "5;ext=1\r\nnot a\r\n0C\r\nllowed here.\r\n0\r\nX-Trailer: t\r\n\r\n");
        for (int read : READS) {
            UpgradeAnswerDecoder.Answer answer = decode(stream, read, false);
            assertEquals(403, answer.status());
            assertEquals("not allowed here.", text(answer.bytes()), "reads of " + read);
            assertEquals("origin", answer.headers().get("X-Why"));
        }
    }

    @Test
    void aRefusalDelimitedByTheEndOfTheConnection() throws Exception {
        for (int read : READS) {
            try (UpgradeAnswerDecoder decoder = new UpgradeAnswerDecoder(MAX)) {
                Buffer stream = bytes("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nbroken");
                for (int at = 0; at < stream.length(); at += read) {
                    assertNull(decoder.feed(stream.getBuffer(at, Math.min(stream.length(), at + read))),
                            "the body goes on until the connection ends");
                }
                UpgradeAnswerDecoder.Answer answer = decoder.end();
                assertEquals(500, answer.status());
                assertEquals("broken", text(answer.bytes()), "reads of " + read);
            }
        }
    }

    @Test
    void anInterimAnswerIsPassedOver() throws Exception {
        UpgradeAnswerDecoder.Answer answer = decode(bytes("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope"), 3, false);
        assertEquals(404, answer.status());
        assertEquals("nope", text(answer.bytes()));
    }

    @Test
    void anOversizedHeadIsRefusedOnceItPassedTheLimit() {
        StringBuilder head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n");
        while (head.length() <= MAX) {
            head.append("X-Padding: ").append("p".repeat(40)).append("\r\n");
        }
        for (int read : new int[] { 1, 100, MAX + 1 }) {
            UpgradeAnswerDecoder.Unreadable e = assertThrows(UpgradeAnswerDecoder.Unreadable.class,
                    () -> decode(bytes(head.toString()), read, false));
            assertEquals("an answer head larger than " + MAX + " bytes", e.getMessage());
        }
        // one line longer than the limit, whole in one read
        UpgradeAnswerDecoder.Unreadable e = assertThrows(UpgradeAnswerDecoder.Unreadable.class,
                () -> decode(bytes("HTTP/1.1 400 Bad\r\nX-Long: " + "l".repeat(2 * MAX) + "\r\n\r\n"), 4 * MAX, false));
        assertEquals("an answer head larger than " + MAX + " bytes", e.getMessage());
    }

    @Test
    void aHeadJustUnderTheLimitIsRead() throws Exception {
        String start = "HTTP/1.1 101 Switching Protocols\r\nX-Padding: ";
        String head = start + "p".repeat(MAX - start.length() - 4) + "\r\n\r\n";
        assertEquals(MAX, head.length());
        assertTrue(decode(bytes(head), 1, false).switched());
    }

    @Test
    void anOversizedRefusalIsRefused() {
        String big = "b".repeat(MAX + 1);
        for (String stream : List.of("HTTP/1.1 400 Bad Request\r\nContent-Length: " + big.length() + "\r\n\r\n" + big,
                "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "200\r\n" + big.substring(0, 512) + "\r\n" + "201\r\n" + big.substring(512) + "\r\n0\r\n\r\n",
                "HTTP/1.1 400 Bad Request\r\n\r\n" + big)) {
            UpgradeAnswerDecoder.Unreadable e = assertThrows(UpgradeAnswerDecoder.Unreadable.class,
                    () -> decode(bytes(stream), 100, true));
            assertEquals("a refusal larger than " + MAX + " bytes", e.getMessage());
        }
    }

    @Test
    void aConnectionThatEndsTooSoon() {
        for (String stream : List.of("", "HTTP/1.1 400 Bad", "HTTP/1.1 400 Bad Request\r\nContent-Length: 10\r\n")) {
            UpgradeAnswerDecoder.Unreadable e = assertThrows(UpgradeAnswerDecoder.Unreadable.class,
                    () -> decode(bytes(stream), 3, true));
            assertEquals("the connection closed before an answer", e.getMessage(), stream);
        }
        for (String stream : List.of("HTTP/1.1 400 Bad Request\r\nContent-Length: 10\r\n\r\nshort",
                "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")) {
            UpgradeAnswerDecoder.Unreadable e = assertThrows(UpgradeAnswerDecoder.Unreadable.class,
                    () -> decode(bytes(stream), 3, true));
            assertEquals("the connection closed within a refusal", e.getMessage(), stream);
        }
    }

    @Test
    void anAnswerThatIsNotHttp() {
        UpgradeAnswerDecoder.Unreadable e = assertThrows(UpgradeAnswerDecoder.Unreadable.class,
                () -> decode(bytes("SSH-2.0-OpenSSH_9.6\r\n\r\n"), 4, false));
        assertTrue(e.getMessage().startsWith("an answer that is not HTTP"), e.getMessage());
    }
}
