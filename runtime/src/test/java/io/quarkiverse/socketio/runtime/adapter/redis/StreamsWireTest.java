package io.quarkiverse.socketio.runtime.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Type;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessageCodec;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterProtocolException;
import io.quarkiverse.socketio.runtime.recovery.SessionState;

/**
 * The streams adapter's encodings against what Node's {@code @socket.io/redis-streams-adapter} 0.3.1 wrote in the
 * recordings of {@code src/test/resources/redis-wire/streams}: every stream entry and pub/sub message decodes to its
 * type and encodes back to the same bytes (JSON entries and MessagePack alike), and a session Node persisted reads and
 * writes back exactly.
 */
class StreamsWireTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ClusterMessageCodec codec = new ClusterMessageCodec();

    static List<JsonNode> captures(String command) throws IOException, URISyntaxException {
        Path dir = Path.of(StreamsWireTest.class.getResource("/redis-wire/streams").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().map(file -> {
                try (InputStream in = Files.newInputStream(file)) {
                    ObjectNode capture = (ObjectNode) JSON.readTree(in);
                    capture.put("file", file.getFileName().toString());
                    return (JsonNode) capture;
                } catch (IOException e) {
                    throw new IllegalStateException(file + ": " + e.getMessage(), e);
                }
            }).filter(c -> command.equals(c.path("command").asText())).toList();
        }
    }

    static Map<String, String> fields(JsonNode capture) {
        Map<String, String> fields = new LinkedHashMap<>();
        capture.get("fields").forEach(pair -> fields.put(pair.get(0).asText(), pair.get(1).asText()));
        return fields;
    }

    @Test
    void everyEntryNodeWroteDecodesAndEncodesBackToTheSameData() throws Exception {
        int checked = 0;
        for (JsonNode capture : captures("XADD")) {
            String what = capture.path("file").asText();
            Map<String, String> fields = fields(capture);
            assertEquals(List.of("uid", "nsp", "type", "data"), List.copyOf(fields.keySet()), what);
            ClusterMessage message = StreamsRedisAdapter.fromEntry(codec, fields);
            assertEquals(Type.valueOf(capture.path("messageType").asText()), message.type(), what);
            assertEquals(String.valueOf(message.type().code()), fields.get("type"), what);
            byte[] data = StreamsRedisAdapter.entryData(codec, message);
            String written = new String(data, StandardCharsets.US_ASCII);
            if (fields.get("data").startsWith("{")) {
                assertEquals(JSON.readTree(fields.get("data")), JSON.readTree(data), what);
                assertEquals(fields.get("data"), new String(data, StandardCharsets.UTF_8), what + ": same JSON text");
            } else {
                byte[] expected = HexFormat.of().parseHex(capture.path("msgpackHex").asText());
                assertArrayEquals(expected, Base64.getDecoder().decode(written), what + ": same MessagePack bytes");
                assertEquals(fields.get("data"), written, what);
            }
            checked++;
        }
        assertTrue(checked >= 12, "entries checked: " + checked);
    }

    @Test
    void everyPubSubMessageNodeSentDecodesAndEncodesBack() throws Exception {
        int checked = 0;
        for (JsonNode capture : captures("PUBLISH")) {
            String what = capture.path("file").asText();
            byte[] body = HexFormat.of().parseHex(capture.path("hex").asText());
            ClusterMessage message = codec.decode(body);
            assertEquals(Type.valueOf(capture.path("messageType").asText()), message.type(), what);
            byte[] again = codec.encode(message);
            assertEquals(codec.readTree(body, 0, body.length), codec.readTree(again, 0, again.length), what);
            checked++;
        }
        assertTrue(checked >= 9, "messages checked: " + checked);
    }

    @Test
    void aSessionNodePersistedReadsAndWritesBackByteForByte() throws Exception {
        JsonNode capture = captures("SET").get(0);
        assertEquals("sio:session:", capture.path("key").asText().substring(0, "sio:session:".length()));
        assertEquals(List.of("PX", "120000"), List.of(capture.get("args").get(0).asText(),
                capture.get("args").get(1).asText()));
        String value = capture.path("value").asText();
        SessionState session = StreamsRedisAdapter.readSession(codec, "/", value.getBytes(StandardCharsets.US_ASCII));
        JsonNode decoded = capture.get("decoded");
        assertEquals(decoded.get("sid").asText(), session.sid());
        assertEquals(decoded.get("pid").asText(), session.pid());
        assertEquals(capture.path("key").asText(), "sio:session:" + session.pid());
        assertEquals(Set.of(decoded.get("sid").asText(), "r1"), session.rooms());
        assertEquals(Map.of("name", "dave"), session.data());

        ObjectNode data = (ObjectNode) JSON.valueToTree(session.data());
        byte[] written = StreamsRedisAdapter.sessionValue(session, data);
        assertEquals(value, new String(written, StandardCharsets.US_ASCII), "the very value Node wrote");
        assertArrayEquals(HexFormat.of().parseHex(capture.path("hex").asText()),
                Base64.getDecoder().decode(written));
    }

    @Test
    void aSessionValueThatIsNotOneIsRefused() {
        assertThrows(ClusterProtocolException.class,
                () -> StreamsRedisAdapter.readSession(codec, "/", "not base64!".getBytes(StandardCharsets.US_ASCII)));
        byte[] mapWithoutSid = Base64.getEncoder().encode(new byte[] { (byte) 0x80 });
        assertThrows(ClusterProtocolException.class, () -> StreamsRedisAdapter.readSession(codec, "/", mapWithoutSid));
    }

    @Test
    void streamIdsAreOrderedAsRedisOrdersThem() {
        assertEquals(new StreamId(1796679423096L, 0), StreamId.parse("1796679423096-0"));
        assertEquals("1796679423096-1", StreamId.parse("1796679423096-0").next().toString());
        assertTrue(StreamId.parse("10-0").isAfter(StreamId.parse("9-99")));
        assertTrue(StreamId.parse("9-10").isAfter(StreamId.parse("9-9")));
        assertEquals("18446744073709551615-0",
                StreamId.parse("18446744073709551614-18446744073709551615").next().toString());
        for (String bad : new String[] { null, "", "1", "a-1", "1-", "-1", "1-2-3", " 1-2", "1 -2", "3",
                "18446744073709551616-0" }) {
            assertNull(StreamId.parse(bad), String.valueOf(bad));
        }
    }
}
