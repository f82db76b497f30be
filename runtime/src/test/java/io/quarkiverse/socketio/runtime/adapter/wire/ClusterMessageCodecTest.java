package io.quarkiverse.socketio.runtime.adapter.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Broadcast;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.BroadcastAck;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.BroadcastClientCount;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.DisconnectSockets;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.FetchSockets;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.FetchSocketsResponse;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Rooms;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.ServerSideEmit;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.ServerSideEmitResponse;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.SocketDetails;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Type;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterProtocolException;
import io.quarkiverse.socketio.runtime.parser.PacketType;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;

class ClusterMessageCodecTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final byte[] EVERY_BYTE = new byte[256];
    static {
        for (int i = 0; i < 256; i++) {
            EVERY_BYTE[i] = (byte) i;
        }
    }

    private final ClusterMessageCodec codec = new ClusterMessageCodec();

    private static BroadcastOptions opts() {
        return new BroadcastOptions(new LinkedHashSet<>(List.of("room-1", "room-2")), Set.of("muted"),
                new BroadcastOptions.Flags(true, false, false, Duration.ofMillis(2500)));
    }

    private static ArrayNode eventWithBinary() {
        ArrayNode data = NODES.arrayNode();
        data.add("upload");
        data.add(BinaryNode.valueOf(EVERY_BYTE));
        ObjectNode nested = data.addObject();
        nested.put("name", "é€😀");
        nested.putArray("parts").add(BinaryNode.valueOf(new byte[0])).add(BinaryNode.valueOf(new byte[] { 0, -1 }));
        nested.put("big", Long.MAX_VALUE);
        nested.put("pi", 3.25);
        nested.putNull("none");
        nested.put("yes", true);
        return data;
    }

    static Handshake handshake() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of("localhost:8080"));
        headers.put("cookie", List.of("a=1", "b=2"));
        headers.put("x-empty", List.of());
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("EIO", List.of("4"));
        query.put("transport", List.of("websocket"));
        query.put("tag", List.of("x", "y"));
        ObjectNode auth = NODES.objectNode().put("token", "abc");
        auth.set("raw", BinaryNode.valueOf(new byte[] { 1, 2, 3 }));
        return new Handshake(headers, query, "127.0.0.1", true, "/socket.io/?EIO=4&transport=websocket",
                Instant.ofEpochMilli(1_700_000_000_123L), auth);
    }

    static List<ClusterMessage> everyMessage() {
        String uid = "0123456789abcdef";
        String nsp = "/chat";
        SocketIOPacket event = SocketIOPacket.event(nsp, eventWithBinary(), -1);
        SocketIOPacket eventWithAck = SocketIOPacket.event(nsp, eventWithBinary(), 42);
        ObjectNode data = NODES.objectNode().put("name", "alice");
        data.set("avatar", BinaryNode.valueOf(EVERY_BYTE));
        return List.of(
                ClusterMessage.signal(Type.INITIAL_HEARTBEAT, uid, nsp),
                ClusterMessage.signal(Type.HEARTBEAT, uid, nsp),
                ClusterMessage.of(uid, nsp, new Broadcast(opts(), event, null)),
                ClusterMessage.of(uid, nsp, new Broadcast(BroadcastOptions.ALL, eventWithAck, "req-1")),
                new ClusterMessage(Type.SOCKETS_JOIN, uid, nsp, new Rooms(opts(), Set.of("a", "b"))),
                new ClusterMessage(Type.SOCKETS_LEAVE, uid, nsp, new Rooms(opts(), Set.of("a"))),
                ClusterMessage.of(uid, nsp, new DisconnectSockets(opts(), true)),
                ClusterMessage.of(uid, nsp, new FetchSockets(opts(), "req-2")),
                ClusterMessage.of(uid, nsp, new FetchSocketsResponse("req-2", List.of(
                        new SocketDetails("sock-1", handshake(), Set.of("sock-1", "room-1"), data),
                        new SocketDetails("sock-2", handshake(), Set.of("sock-2"), null)))),
                ClusterMessage.of(uid, nsp, new ServerSideEmit(eventWithBinary(), null)),
                ClusterMessage.of(uid, nsp, new ServerSideEmit(eventWithBinary(), "req-3")),
                ClusterMessage.of(uid, nsp, new ServerSideEmitResponse("req-3", BinaryNode.valueOf(EVERY_BYTE))),
                ClusterMessage.of(uid, nsp, new ServerSideEmitResponse("req-3", null)),
                ClusterMessage.of(uid, nsp, new BroadcastClientCount("req-1", 17)),
                ClusterMessage.of(uid, nsp, new BroadcastAck("req-1", eventWithBinary())),
                ClusterMessage.signal(Type.ADAPTER_CLOSE, uid, nsp),
                ClusterMessage.of(uid, nsp, new ClusterMessage.Unanswered("req-3")));
    }

    @Test
    void everyMessageTypeRoundTrips() {
        List<ClusterMessage> messages = everyMessage();
        assertEquals(Set.of(Type.values()), messages.stream().map(ClusterMessage::type)
                .collect(java.util.stream.Collectors.toSet()));
        for (ClusterMessage message : messages) {
            byte[] body = codec.encode(message);
            assertEquals(message, codec.decode(body), message.type().name());
            assertEquals(message, codec.decodeEither(body), message.type().name());
        }
    }

    /** JSON, as the sharded Redis adapter sends a message without binary, carries every type; binary is refused. */
    @Test
    void jsonCarriesEveryMessageWithoutBinary() {
        for (ClusterMessage message : everyMessage()) {
            if (ClusterMessageCodec.hasBinary(message)) {
                assertThrows(IllegalArgumentException.class, () -> codec.encodeJson(message), message.type().name());
                continue;
            }
            byte[] text = codec.encodeJson(message);
            assertEquals('{', text[0]);
            assertEquals(message, codec.decodeJson(text), message.type().name());
            assertEquals(message, codec.decodeEither(text), message.type().name());
        }
        ClusterMessage plain = ClusterMessage.of("u1", "/chat", new Broadcast(opts(),
                SocketIOPacket.event("/chat", NODES.arrayNode().add("ev").add(1)), null));
        assertEquals(plain, codec.decodeJson(codec.encodeJson(plain)));
    }

    @Test
    void binaryKeepsItsExactBytesAsMessagePackBin() throws Exception {
        ClusterMessage message = ClusterMessage.of("u", "/", new ServerSideEmitResponse("r",
                BinaryNode.valueOf(EVERY_BYTE)));
        byte[] body = codec.encode(message);
        // bin 16 header (0xc5, length 256) followed by the very bytes
        byte[] expected = new byte[259];
        expected[0] = (byte) 0xc5;
        expected[1] = 1;
        expected[2] = 0;
        System.arraycopy(EVERY_BYTE, 0, expected, 3, 256);
        assertTrue(indexOf(body, expected) >= 0, "the body holds the binary as MessagePack bin");
        ServerSideEmitResponse decoded = (ServerSideEmitResponse) codec.decode(body).data();
        assertArrayEquals(EVERY_BYTE, decoded.packet().binaryValue());
    }

    @Test
    void handshakeRoundTrips() {
        ClusterMessage message = ClusterMessage.of("u", "/", new FetchSocketsResponse("r",
                List.of(new SocketDetails("s", handshake(), Set.of("s"), null))));
        SocketDetails socket = ((FetchSocketsResponse) codec.decode(codec.encode(message)).data()).sockets().get(0);
        assertEquals(handshake(), socket.handshake());
        assertEquals("a=1", socket.handshake().header("Cookie"));
    }

    @Test
    void readsTheNodeJsShape() throws Exception {
        // As socket.io-adapter writes it (notepack.io): keys in its order, packet without id, flags with only the set
        // keys, the "undefined" extension for an absent value.
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(4);
        p.packString("type").packInt(3);
        p.packString("data").packMapHeader(2);
        p.packString("packet").packMapHeader(3);
        p.packString("type").packInt(2);
        p.packString("data").packArrayHeader(3).packString("chat").packBinaryHeader(3);
        p.writePayload(new byte[] { 9, 8, 7 });
        p.packExtensionTypeHeader((byte) 0, 1);
        p.writePayload(new byte[] { 0 });
        p.packString("nsp").packString("/");
        p.packString("opts").packMapHeader(3);
        p.packString("rooms").packArrayHeader(1).packString("r");
        p.packString("except").packArrayHeader(0);
        p.packString("flags").packMapHeader(1).packString("volatile").packBoolean(true);
        p.packString("uid").packString("a1b2c3");
        p.packString("nsp").packString("/");
        ClusterMessage message = codec.decode(p.toByteArray());
        assertEquals(Type.BROADCAST, message.type());
        Broadcast broadcast = (Broadcast) message.data();
        assertEquals(Set.of("r"), broadcast.opts().rooms());
        assertTrue(broadcast.opts().flags().volatile_());
        assertTrue(broadcast.opts().flags().compress());
        assertEquals(PacketType.EVENT, broadcast.packet().type());
        assertEquals(-1, broadcast.packet().ackId());
        assertArrayEquals(new byte[] { 9, 8, 7 }, broadcast.packet().data().get(1).binaryValue());
        assertTrue(broadcast.packet().data().get(2).isNull());
    }

    @Test
    void agreesWithJacksonMessagePackReader() throws Exception {
        ObjectMapper msgpack = new ObjectMapper(new MessagePackFactory());
        for (ClusterMessage message : everyMessage()) {
            byte[] body = codec.encode(message);
            JsonNode jackson = msgpack.readTree(body);
            assertEquals(jackson, codec.readTree(body, 0, body.length), message.type().name());
        }
    }

    @Test
    void truncatedBodiesAreRejected() {
        for (ClusterMessage message : everyMessage()) {
            byte[] body = codec.encode(message);
            for (int length = 0; length < body.length; length++) {
                int cut = length;
                ClusterProtocolException e = assertThrows(ClusterProtocolException.class,
                        () -> codec.decode(body, 0, cut), message.type() + " cut at " + cut);
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            }
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] body = codec.encode(ClusterMessage.signal(Type.HEARTBEAT, "u", "/"));
        byte[] longer = java.util.Arrays.copyOf(body, body.length + 1);
        assertThrows(ClusterProtocolException.class, () -> codec.decode(longer));
    }

    @Test
    void hugeDeclaredLengthsFailFastWithoutAllocating() {
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            // str 32 / bin 32 / array 32 / map 32 declaring 2^31-1, with a few bytes after
            for (int format : new int[] { 0xdb, 0xc6, 0xdd, 0xdf }) {
                byte[] hostile = { (byte) format, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3 };
                ClusterProtocolException e = assertThrows(ClusterProtocolException.class, () -> codec.decode(hostile));
                assertTrue(e.getMessage().contains("Truncated") || e.getMessage().contains("Malformed"),
                        e.getMessage());
            }
            // a map whose value is a bin of 4 GiB - 1
            byte[] inMap = { (byte) 0x81, (byte) 0xa1, 'x', (byte) 0xc6, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                    (byte) 0xFF };
            assertThrows(ClusterProtocolException.class, () -> codec.decode(inMap));
        });
    }

    @Test
    void deepNestingIsRejected() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 100_000; i++) {
            out.write(0x91); // fixarray of one element
        }
        out.write(0xc0);
        byte[] deep = out.toByteArray();
        ClusterProtocolException e = assertThrows(ClusterProtocolException.class, () -> codec.decode(deep));
        assertTrue(e.getMessage().contains("nested"), e.getMessage());
    }

    @Test
    void wellFormedButWrongMessagesAreRejected() throws Exception {
        ObjectMapper msgpack = new ObjectMapper(new MessagePackFactory());
        List<String> wrong = List.of(
                "[1,2]",
                "{}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":14}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":0}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":\"3\"}",
                "{\"uid\":\"u\",\"nsp\":\"nope\",\"type\":2}",
                "{\"uid\":5,\"nsp\":\"/\",\"type\":2}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":3}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":3,\"data\":{\"opts\":{},\"packet\":{\"type\":9}}}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":3,\"data\":{\"opts\":{\"rooms\":[1]},\"packet\":{\"type\":2}}}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":3,\"data\":{\"opts\":{},\"packet\":{\"type\":2,\"nsp\":\"x\"}}}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":3,\"data\":{\"opts\":{},\"packet\":{\"type\":2,\"id\":-4}}}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":4,\"data\":{\"opts\":{\"flags\":{\"local\":\"yes\"}},\"rooms\":[]}}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":7,\"data\":{\"opts\":{}}}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":8,\"data\":{\"requestId\":\"r\",\"sockets\":[{\"id\":\"s\"}]}}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":9,\"data\":{\"packet\":[]}}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":9,\"data\":{\"packet\":\"x\"}}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":11,\"data\":{\"requestId\":\"r\",\"clientCount\":-1}}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":11,\"data\":{\"requestId\":\"r\",\"clientCount\":1.5}}",
                "{\"uid\":\"u\",\"nsp\":\"/\",\"type\":12,\"data\":{\"packet\":1}}");
        for (String json : wrong) {
            byte[] body = msgpack.writeValueAsBytes(new ObjectMapper().readTree(json));
            assertThrows(ClusterProtocolException.class, () -> codec.decode(body), json);
        }
        // a packet read on its own (the classic Redis adapter's broadcasts): an EVENT without data
        for (String packet : List.of("{\"type\":2}", "{\"type\":2,\"data\":null}", "{\"type\":3,\"data\":{}}")) {
            assertThrows(ClusterProtocolException.class,
                    () -> WireModule.packet(new ObjectMapper().readTree(packet), "/"), packet);
        }
        // non-string map key, unknown extension, the never-used byte 0xc1
        byte[] intKey = { (byte) 0x81, 0x01, 0x02 };
        byte[] ext = { (byte) 0xd4, 0x05, 0x00 };
        byte[] neverUsed = { (byte) 0xc1 };
        for (byte[] body : List.of(intKey, ext, neverUsed)) {
            assertThrows(ClusterProtocolException.class, () -> codec.decode(body));
        }
    }

    @Test
    void randomGarbageOnlyRaisesClusterProtocolException() {
        Random random = new Random(1234);
        List<byte[]> valid = everyMessage().stream().map(codec::encode).toList();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 20_000; i++) {
                byte[] input;
                if (i % 2 == 0) {
                    input = new byte[random.nextInt(64)];
                    random.nextBytes(input);
                } else {
                    // a valid body with a few bytes flipped
                    byte[] base = valid.get(random.nextInt(valid.size()));
                    input = base.clone();
                    for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                        input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                    }
                }
                try {
                    codec.decode(input);
                } catch (ClusterProtocolException expected) {
                    // fine
                }
            }
        });
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
