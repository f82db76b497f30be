package io.quarkiverse.socketio.runtime.adapter.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Type;
import io.quarkiverse.socketio.runtime.parser.PacketType;

/**
 * Every ClusterAdapter message Node's sharded Redis adapter published in the recordings of
 * {@code src/test/resources/redis-wire} (JSON, or notepack MessagePack when it held binary) decodes to its type, and
 * encodes back to the same tree (the JSON of the same message when it has no binary, the MessagePack otherwise).
 */
class NodeCapturesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ClusterMessageCodec codec = new ClusterMessageCodec();

    static List<JsonNode> captures(String folder, String command) throws IOException, URISyntaxException {
        Path dir = Path.of(NodeCapturesTest.class.getResource("/redis-wire/" + folder).toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().map(file -> {
                try (InputStream in = Files.newInputStream(file)) {
                    JsonNode capture = JSON.readTree(in);
                    ((com.fasterxml.jackson.databind.node.ObjectNode) capture).put("file", file.getFileName().toString());
                    return capture;
                } catch (IOException e) {
                    throw new IllegalStateException(file + ": " + e.getMessage(), e);
                }
            }).filter(c -> command.equals(c.path("command").asText()) && c.has("hex")).toList();
        }
    }

    @Test
    void shardedMessagesOfNodeDecodeAndEncodeBack() throws Exception {
        int checked = 0;
        for (String folder : List.of("sharded-static", "sharded-dynamic", "sharded-dynamic-private")) {
            for (JsonNode capture : captures(folder, "SPUBLISH")) {
                String what = folder + "/" + capture.path("file").asText();
                byte[] body = HexFormat.of().parseHex(capture.path("hex").asText());
                ClusterMessage message = codec.decodeEither(body);
                assertEquals(Type.valueOf(capture.path("messageType").asText()), message.type(), what);
                JsonNode original = body[0] == '{' ? codec.readJson(body) : codec.readTree(body, 0, body.length);
                byte[] again = body[0] == '{' ? codec.encodeJson(message) : codec.encode(message);
                JsonNode reencoded = again[0] == '{' ? codec.readJson(again) : codec.readTree(again, 0, again.length);
                assertEquals(original, reencoded, what);
                // and byte for byte: the same key order as Node's (JSON.stringify / notepack keep insertion order)
                assertEquals(HexFormat.of().formatHex(body), HexFormat.of().formatHex(again), what);
                if (message.data() instanceof ClusterMessage.Broadcast broadcast) {
                    assertEquals(PacketType.EVENT, broadcast.packet().type(), what);
                    assertEquals(message.nsp(), broadcast.packet().namespace(), what);
                }
                checked++;
            }
        }
        assertTrue(checked >= 30, "captures checked: " + checked);
    }
}
