package io.quarkiverse.socketio.runtime.parser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

class SocketIOPacketCodecTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SocketIOPacketEncoder encoder = new SocketIOPacketEncoder(MAPPER);
    private final SocketIOPacketDecoder decoder = new SocketIOPacketDecoder(MAPPER);

    // ---------------------------------------------------------------- round trips of the protocol.md examples
    // protocol.md shows whole Engine.IO message packets: "4" + the Socket.IO packet. The codec works on the Socket.IO
    // packet only, so "40" below is the Socket.IO text "0".

    @Test
    void protocolMdExamples() {
        for (String message : List.of("40", "40/admin,{\"token\":\"x\"}", "42[\"chat\",\"hi\"]",
                "42/admin,7[\"ask\",1]", "437[\"answer\"]")) {
            assertEquals('4', message.charAt(0));
            assertRoundTrip(message.substring(1));
        }
        String binary = "451-[\"upload\",{\"_placeholder\":true,\"num\":0}]".substring(1);
        assertNull(decoder.decodeText(binary));
        SocketIOPacket packet = decoder.addAttachment(new byte[] { 42 });
        EncodedPacket encoded = encoder.encode(packet);
        assertEquals("51-[\"upload\",{\"_placeholder\":true,\"num\":0}]", encoded.text());
        assertArrayEquals(new byte[] { 42 }, encoded.attachments().get(0));
    }

    @Test
    void connectDefaultNamespace() {
        SocketIOPacket packet = decodeComplete("0");
        assertEquals(new SocketIOPacket(PacketType.CONNECT, "/", -1, null), packet);
        assertEquals("0", encoder.encode(packet).text());
        assertEquals("0", encoder.encode(SocketIOPacket.connect("/", null)).text());
    }

    @Test
    void connectWithNamespaceAndAuth() {
        SocketIOPacket packet = decodeComplete("0/admin,{\"token\":\"x\"}");
        assertEquals(PacketType.CONNECT, packet.type());
        assertEquals("/admin", packet.namespace());
        assertEquals(-1, packet.ackId());
        assertEquals("x", packet.data().get("token").textValue());
        assertRoundTrip("0/admin,{\"token\":\"x\"}");
    }

    @Test
    void connectWithNamespaceWithoutData() {
        SocketIOPacket packet = decodeComplete("0/admin,");
        assertEquals(new SocketIOPacket(PacketType.CONNECT, "/admin", -1, null), packet);
        assertEquals("0/admin,", encoder.encode(packet).text());
        // like the reference parser, the comma may be left out at the end of the packet
        assertEquals(packet, decodeComplete("0/admin"));
    }

    @Test
    void event() {
        SocketIOPacket packet = decodeComplete("2[\"chat\",\"hi\"]");
        assertEquals(PacketType.EVENT, packet.type());
        assertEquals("/", packet.namespace());
        assertEquals(-1, packet.ackId());
        assertEquals("chat", packet.data().get(0).textValue());
        assertEquals("hi", packet.data().get(1).textValue());
        assertRoundTrip("2[\"chat\",\"hi\"]");
    }

    @Test
    void eventWithNamespaceAndAckId() {
        SocketIOPacket packet = decodeComplete("2/admin,7[\"ask\",1]");
        assertEquals(PacketType.EVENT, packet.type());
        assertEquals("/admin", packet.namespace());
        assertEquals(7, packet.ackId());
        assertEquals(1, packet.data().get(1).intValue());
        assertRoundTrip("2/admin,7[\"ask\",1]");
    }

    @Test
    void ack() {
        SocketIOPacket packet = decodeComplete("37[\"answer\"]");
        assertEquals(PacketType.ACK, packet.type());
        assertEquals(7, packet.ackId());
        assertEquals("[\"answer\"]", packet.data().toString());
        assertRoundTrip("37[\"answer\"]");
        assertRoundTrip("3/admin,0[]");
    }

    @Test
    void binaryEvent() {
        byte[] bytes = { 1, 2, 3 };
        assertNull(decoder.decodeText("51-[\"upload\",{\"_placeholder\":true,\"num\":0}]"));
        assertTrue(decoder.awaitingAttachments());
        SocketIOPacket packet = decoder.addAttachment(bytes);
        assertNotNull(packet);
        assertFalse(decoder.awaitingAttachments());
        assertEquals(PacketType.EVENT, packet.type(), "BINARY_EVENT is normalised to EVENT");
        assertEquals("upload", packet.data().get(0).textValue());
        assertInstanceOf(BinaryNode.class, packet.data().get(1));
        assertSame(bytes, ((BinaryNode) packet.data().get(1)).binaryValue());

        EncodedPacket encoded = encoder.encode(packet);
        assertEquals("51-[\"upload\",{\"_placeholder\":true,\"num\":0}]", encoded.text());
        assertEquals(1, encoded.attachments().size());
        assertArrayEquals(bytes, encoded.attachments().get(0));
    }

    // ---------------------------------------------------------------- encoder

    @Test
    void encodeFactories() {
        ObjectNode sid = NODES.objectNode().put("sid", "abc");
        assertEquals("0{\"sid\":\"abc\"}", encoder.encode(SocketIOPacket.connect("/", sid)).text());
        assertEquals("0/admin,{\"sid\":\"abc\"}", encoder.encode(SocketIOPacket.connect("/admin", sid)).text());
        assertEquals("1/admin,", encoder.encode(SocketIOPacket.disconnect("/admin")).text());
        assertEquals("1", encoder.encode(SocketIOPacket.disconnect("/")).text());
        assertEquals("4/admin,{\"message\":\"Invalid namespace\"}", encoder.encode(SocketIOPacket.connectError(
                "/admin", NODES.objectNode().put("message", "Invalid namespace"))).text());
        assertEquals("2[\"chat\",\"hi\"]",
                encoder.encode(SocketIOPacket.event("/", NODES.arrayNode().add("chat").add("hi"), -1)).text());
        assertEquals("212[\"ask\"]", encoder.encode(SocketIOPacket.event("/", NODES.arrayNode().add("ask"), 12)).text());
        assertEquals("3/chat,5[]", encoder.encode(SocketIOPacket.ack("/chat", NODES.arrayNode(), 5)).text());
        EncodedPacket plain = encoder.encode(SocketIOPacket.event("/", NODES.arrayNode().add("x")));
        assertTrue(plain.attachments().isEmpty());
        assertFalse(plain.isBinary());
    }

    @Test
    void binaryAck() {
        byte[] bytes = "pong".getBytes(StandardCharsets.UTF_8);
        SocketIOPacket ack = SocketIOPacket.ack("/admin", NODES.arrayNode().add(bytes).add("ok"), 3);
        EncodedPacket encoded = encoder.encode(ack);
        assertEquals("61-/admin,3[{\"_placeholder\":true,\"num\":0},\"ok\"]", encoded.text());
        assertEquals(List.of(bytes), encoded.attachments());

        assertNull(decoder.decodeText(encoded.text()));
        SocketIOPacket decoded = decoder.addAttachment(bytes.clone());
        assertEquals(PacketType.ACK, decoded.type(), "BINARY_ACK is normalised to ACK");
        assertEquals("/admin", decoded.namespace());
        assertEquals(3, decoded.ackId());
        assertEquals(ack.data(), decoded.data());
    }

    @Test
    void nestedAndMultipleBinariesInDocumentOrder() {
        byte[] b0 = { 0 };
        byte[] b1 = { 1, 1 };
        byte[] b2 = { 2, 2, 2 };
        byte[] b3 = {};
        ArrayNode data = NODES.arrayNode().add("files");
        ObjectNode object = data.addObject();
        object.put("name", "a");
        object.put("first", b0);
        ArrayNode list = object.putArray("list");
        list.add(b1);
        list.addObject().put("deep", b2).put("after", 1);
        object.put("last", true);
        data.add(b3);
        data.add("end");
        SocketIOPacket packet = SocketIOPacket.event("/files", data, 9);
        String before = data.toString();

        EncodedPacket encoded = encoder.encode(packet);
        String expected = "54-/files,9[\"files\",{\"name\":\"a\",\"first\":{\"_placeholder\":true,\"num\":0},"
                + "\"list\":[{\"_placeholder\":true,\"num\":1},{\"deep\":{\"_placeholder\":true,\"num\":2},\"after\":1}],"
                + "\"last\":true},{\"_placeholder\":true,\"num\":3},\"end\"]";
        assertEquals(expected, encoded.text());
        assertEquals(4, encoded.attachments().size());
        assertSame(b0, encoded.attachments().get(0));
        assertSame(b1, encoded.attachments().get(1));
        assertSame(b2, encoded.attachments().get(2));
        assertArrayEquals(b3, encoded.attachments().get(3)); // BinaryNode shares one empty array

        // the packet is not modified, and encodes the same again
        assertEquals(before, data.toString());
        assertInstanceOf(BinaryNode.class, data.get(1).get("first"));
        assertEquals(expected, encoder.encode(packet).text());

        // decoding puts each attachment back where its placeholder was, keeping key order
        assertNull(decoder.decodeText(encoded.text()));
        assertNull(decoder.addAttachment(b0));
        assertNull(decoder.addAttachment(b1));
        assertNull(decoder.addAttachment(b2));
        SocketIOPacket decoded = decoder.addAttachment(b3);
        assertEquals(packet, decoded);
        assertEquals(before, decoded.data().toString());
        assertEquals(expected, encoder.encode(decoded).text());
    }

    @Test
    void encoderIsThreadSafe() throws Exception {
        ArrayNode data = NODES.arrayNode().add("e");
        for (int i = 0; i < 20; i++) {
            data.addObject().put("i", i).put("bin", new byte[] { (byte) i });
        }
        SocketIOPacket packet = SocketIOPacket.event("/", data);
        EncodedPacket reference = encoder.encode(packet);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<EncodedPacket>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                results.add(pool.submit(() -> encoder.encode(packet)));
            }
            for (Future<EncodedPacket> result : results) {
                EncodedPacket encoded = result.get();
                assertEquals(reference.text(), encoded.text());
                assertEquals(reference.attachments(), encoded.attachments());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void encoderIgnoresIndentationOfTheApplicationMapper() {
        ObjectMapper pretty = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        SocketIOPacket packet = SocketIOPacket.event("/", NODES.arrayNode().add("e").add(NODES.objectNode().put("a", 1)));
        assertEquals("2[\"e\",{\"a\":1}]", new SocketIOPacketEncoder(pretty).encode(packet).text());
    }

    @Test
    void encoderRejectsWhatTheWireCannotCarry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder
                .encode(SocketIOPacket.connect("/", NODES.objectNode().put("blob", new byte[] { 1 }))));
        assertEquals("Only EVENT and ACK packets can carry binary data, not CONNECT", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> encoder.encode(new SocketIOPacket(PacketType.EVENT, "/", -1, NODES.arrayNode())));
        assertEquals("EVENT data must be a non-empty array [event, args...]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SocketIOPacket.event("admin", NODES.arrayNode()));
        assertEquals("A namespace must start with '/' and contain no ',': admin", e.getMessage());
    }

    @Test
    void recordNormalisesBinaryTypesAndDefaultNamespace() {
        SocketIOPacket packet = new SocketIOPacket(PacketType.BINARY_EVENT, null, 1, NODES.arrayNode().add("x"));
        assertEquals(PacketType.EVENT, packet.type());
        assertEquals("/", packet.namespace());
        assertEquals(PacketType.ACK, new SocketIOPacket(PacketType.BINARY_ACK, "/", 1, NODES.arrayNode()).type());
    }

    // ---------------------------------------------------------------- JSON fidelity

    @Test
    void keyOrderIsPreserved() {
        assertRoundTrip("2[\"e\",{\"z\":1,\"a\":2,\"m\":{\"b\":[3,{\"y\":null,\"x\":false}],\"a\":\"s\"}}]");
        assertRoundTrip("0{\"token\":\"t\",\"auth\":{\"pid\":\"p\",\"offset\":\"o\"},\"a\":1}");
    }

    @Test
    void unicode() {
        String text = "2[\"chat\",\"h\u00e9llo w\u00f6rld \u2713 \u65e5\u672c\u8a9e \ud83d\ude00\",{\"cl\u00e9\":\"\u00df\"}]";
        SocketIOPacket packet = decodeComplete(text);
        assertEquals("h\u00e9llo w\u00f6rld \u2713 \u65e5\u672c\u8a9e \ud83d\ude00", packet.data().get(1).textValue());
        assertEquals(text, encoder.encode(packet).text());
        // escapes are decoded; the encoder writes the characters themselves, like JSON.stringify
        assertEquals("2[\"\u00e9\ud83d\ude00\",\"a\\nb\\\"c\\\\\"]",
                encoder.encode(decodeComplete("2[\"\\u00e9\\ud83d\\ude00\",\"a\\nb\\\"c\\\\\"]")).text());
    }

    @Test
    void numbersKeepTheirPrecision() {
        SocketIOPacket packet = decodeComplete("2[\"e\",1.5,12345678901234567890]");
        assertEquals(new BigDecimal("1.5"), packet.data().get(1).decimalValue());
        assertEquals(new BigInteger("12345678901234567890"), packet.data().get(2).bigIntegerValue());
        assertEquals("2[\"e\",1.5,12345678901234567890]", encoder.encode(packet).text());
        assertRoundTrip("2[\"e\",0.1,1.50,-0.001,3.141592653589793238462643383279,-7,0,9223372036854775807]");
        assertRoundTrip("2[42,\"numeric event name\"]");
    }

    @Test
    void largestAckId() {
        assertEquals(Long.MAX_VALUE, decodeComplete("29223372036854775807[\"x\"]").ackId());
        assertRoundTrip("29223372036854775807[\"x\"]");
    }

    @Test
    void connectErrorStringOrObject() {
        SocketIOPacket packet = decodeComplete("4/admin,\"oops\"");
        assertEquals(PacketType.CONNECT_ERROR, packet.type());
        assertEquals("oops", packet.data().textValue());
        assertRoundTrip("4/admin,\"oops\"");
        assertRoundTrip("4{\"message\":\"Not authorized\",\"data\":{\"code\":401}}");
    }

    @Test
    void placeholderLookalikesThatAreNotPlaceholders() {
        // only "_placeholder": true makes a placeholder
        assertRoundTrip("2[\"e\",{\"_placeholder\":false,\"num\":0}]");
        assertRoundTrip("2[\"e\",{\"num\":0}]");
    }

    @Test
    void binaryPacketWithoutAttachmentsIsCompleteAtOnce() {
        SocketIOPacket packet = decoder.decodeText("50-[\"x\"]");
        assertEquals(new SocketIOPacket(PacketType.EVENT, "/", -1, NODES.arrayNode().add("x")), packet);
        assertFalse(decoder.awaitingAttachments());
    }

    @Test
    void decoderCarriesOnAfterABinaryPacket() {
        assertNull(decoder.decodeText("52-[\"two\",{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":0}]"));
        assertNull(decoder.addAttachment(new byte[] { 10 }));
        SocketIOPacket packet = decoder.addAttachment(new byte[] { 11 });
        // placeholders refer to attachments by num, whatever their order in the document
        assertArrayEquals(new byte[] { 11 }, ((BinaryNode) packet.data().get(1)).binaryValue());
        assertArrayEquals(new byte[] { 10 }, ((BinaryNode) packet.data().get(2)).binaryValue());
        assertEquals("2[\"next\"]", encoder.encode(decoder.decodeText("2[\"next\"]")).text());
    }

    // ---------------------------------------------------------------- malformed input, one test per class

    @Test
    void rejectsUnknownType() {
        assertRejected("", "empty packet");
        assertRejected("7[\"x\"]", "unknown packet type '7'");
        assertRejected("9", "unknown packet type '9'");
        assertRejected("x", "unknown packet type 'x'");
        assertRejected("-1", "unknown packet type '-'");
    }

    @Test
    void rejectsBadAttachmentCount() {
        assertRejected("5[\"x\",{\"_placeholder\":true,\"num\":0}]", "missing attachment count in BINARY_EVENT packet");
        assertRejected("5-[\"x\"]", "missing attachment count in BINARY_EVENT packet");
        assertRejected("5a-[\"x\"]", "missing attachment count in BINARY_EVENT packet");
        assertRejected("61[\"x\"]", "attachment count of BINARY_ACK packet must be followed by '-'");
        assertRejected("51", "attachment count of BINARY_EVENT packet must be followed by '-'");
        assertRejected("511-[\"x\"]", "too many attachments: 11 (limit 10)");
        assertRejected("599999999999-[\"x\"]", "too many attachments: 99999999999 (limit 10)");
        assertRejected("21-[\"x\",{\"_placeholder\":true,\"num\":0}]", "attachment count on non-binary packet type EVENT");
        assertRejected("31-1[\"x\"]", "attachment count on non-binary packet type ACK");
        SocketIOPacketDecoder strict = new SocketIOPacketDecoder(MAPPER, 1);
        SocketIOProtocolException e = assertThrows(SocketIOProtocolException.class, () -> strict
                .decodeText("52-[\"x\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"));
        assertEquals("Invalid Socket.IO packet: too many attachments: 2 (limit 1)", e.getMessage());
    }

    @Test
    void rejectsNamespaceNotStartingWithSlash() {
        assertRejected("2admin,[\"x\"]",
                "unexpected character 'a' at index 1, expected a namespace starting with '/', an ack id or the JSON data");
        assertRejected("0admin",
                "unexpected character 'a' at index 1, expected a namespace starting with '/', an ack id or the JSON data");
        assertRejected("51-admin,[\"x\",{\"_placeholder\":true,\"num\":0}]",
                "unexpected character 'a' at index 3, expected a namespace starting with '/', an ack id or the JSON data");
        // without the comma the rest of the packet is the namespace, so the event has no data
        assertRejected("2/admin[\"x\"]", "EVENT packet has no data");
    }

    @Test
    void rejectsBadAckId() {
        assertRejected("212a[\"x\"]", "unexpected character 'a' at index 3, expected the JSON data");
        assertRejected("2/admin,x[\"x\"]", "unexpected character 'x' at index 8, expected an ack id or the JSON data");
        assertRejected("2-1[\"x\"]",
                "unexpected character '-' at index 1, expected a namespace starting with '/', an ack id or the JSON data");
        assertRejected("29223372036854775808[\"x\"]", "ack id out of range: 9223372036854775808");
        assertRejected("212345678901234567890[\"x\"]", "ack id out of range: 12345678901234567890");
        assertRejected("3[\"answer\"]", "ACK packet has no ack id");
        assertRejected("61-[{\"_placeholder\":true,\"num\":0}]", "BINARY_ACK packet has no ack id");
        assertRejected("012{}", "CONNECT packet cannot carry an ack id");
        assertRejected("13", "DISCONNECT packet cannot carry an ack id");
        assertRejected("41\"x\"", "CONNECT_ERROR packet cannot carry an ack id");
    }

    @Test
    void rejectsInvalidJson() {
        assertRejectedStartingWith("2[\"x\"]]",
                "invalid JSON data at index 6: Unexpected close marker ']': no open Array to close");
        assertRejectedStartingWith("2[\"x\"]{}", "invalid JSON data at index 6: Trailing token (of type START_OBJECT)");
        assertRejectedStartingWith("2[\"x\",]", "invalid JSON data at index 6: Unexpected character (']'");
        assertRejectedStartingWith("2[\"x\"", "invalid JSON data at index 5: Unexpected end-of-input");
        assertRejectedStartingWith("2[\"x\",'y']", "invalid JSON data at index 6: Unexpected character (''' (code 39))");
        assertRejectedStartingWith("2[\"x\",NaN]", "invalid JSON data at index 9: Non-standard token 'NaN'");
        assertRejectedStartingWith("0{token:1}", "invalid JSON data at index 2: Unexpected character ('t' (code 116))");
        assertRejectedStartingWith("2[\"x\"/*c*/]", "invalid JSON data at index 5: Unexpected character ('/' (code 47))");
        assertRejected("2true",
                "unexpected character 't' at index 1, expected a namespace starting with '/', an ack id or the JSON data");
    }

    @Test
    void rejectsBadConnectData() {
        assertRejected("0[\"x\"]", "CONNECT data must be a JSON object, not an array");
        assertRejected("0/admin,\"token\"", "CONNECT data must be a JSON object, not a string");
    }

    @Test
    void rejectsDisconnectData() {
        assertRejected("1{}", "DISCONNECT packet must carry no data");
        assertRejected("1/admin,[]", "DISCONNECT packet must carry no data");
    }

    @Test
    void rejectsBadEventData() {
        assertRejected("2", "EVENT packet has no data");
        assertRejected("2/admin,", "EVENT packet has no data");
        assertRejected("2{\"x\":1}", "EVENT data must be an array, not an object");
        assertRejected("2\"x\"", "EVENT data must be an array, not a string");
        assertRejected("2[]", "EVENT data must not be empty: the first element is the event name");
        assertRejected("2[true]", "event name must be a string or a number, not a boolean");
        assertRejected("2[null,1]", "event name must be a string or a number, not null");
        assertRejected("2[{\"a\":1}]", "event name must be a string or a number, not an object");
        assertRejected("2[[\"x\"]]", "event name must be a string or a number, not an array");
        assertRejected("51-{\"x\":{\"_placeholder\":true,\"num\":0}}", "BINARY_EVENT data must be an array, not an object");
        for (String reserved : List.of("connect", "connect_error", "disconnect", "disconnecting", "newListener",
                "removeListener")) {
            assertRejected("2[\"" + reserved + "\"]", "reserved event name \"" + reserved + "\"");
        }
        assertRejected("51-[\"disconnect\",{\"_placeholder\":true,\"num\":0}]", "reserved event name \"disconnect\"");
    }

    @Test
    void rejectsBadAckData() {
        assertRejected("31{\"a\":1}", "ACK data must be an array, not an object");
        assertRejected("31\"a\"", "ACK data must be an array, not a string");
        assertRejected("31", "ACK packet has no data");
    }

    @Test
    void rejectsBadConnectErrorData() {
        assertRejected("4[\"x\"]", "CONNECT_ERROR data must be a JSON object or a string, not an array");
        assertRejected("4", "CONNECT_ERROR packet has no data");
    }

    @Test
    void rejectsBadPlaceholders() {
        assertRejected("51-[\"x\",{\"_placeholder\":true,\"num\":1}]",
                "placeholder num 1 out of range, the packet announces 1 attachment(s)");
        assertRejected("51-[\"x\",{\"_placeholder\":true,\"num\":-1}]",
                "placeholder num -1 out of range, the packet announces 1 attachment(s)");
        assertRejected("52-[\"x\",{\"_placeholder\":true,\"num\":0}]",
                "attachment 1 of 2 is not referenced by any placeholder");
        assertRejected("51-[\"x\"]", "attachment 0 of 1 is not referenced by any placeholder");
        assertRejected("52-[\"x\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":0}]",
                "placeholder num 0 used more than once");
        assertRejected("51-[\"x\",{\"_placeholder\":true}]",
                "malformed placeholder {\"_placeholder\":true}, expected {\"_placeholder\":true,\"num\":<int>}");
        assertRejected("51-[\"x\",{\"_placeholder\":true,\"num\":\"0\"}]",
                "malformed placeholder {\"_placeholder\":true,\"num\":\"0\"}, expected {\"_placeholder\":true,\"num\":<int>}");
        assertRejected("51-[\"x\",{\"_placeholder\":true,\"num\":0.0}]",
                "malformed placeholder {\"_placeholder\":true,\"num\":0.0}, expected {\"_placeholder\":true,\"num\":<int>}");
        assertRejected("51-[\"x\",{\"_placeholder\":true,\"num\":0,\"extra\":1}]",
                "malformed placeholder {\"_placeholder\":true,\"num\":0,\"extra\":1}, expected {\"_placeholder\":true,\"num\":<int>}");
        assertRejected("51-[\"x\",{\"_placeholder\":true,\"num\":99999999999}]",
                "malformed placeholder {\"_placeholder\":true,\"num\":99999999999}, expected {\"_placeholder\":true,\"num\":<int>}");
        assertRejected("2[\"x\",{\"a\":[{\"_placeholder\":true,\"num\":0}]}]", "placeholder object in a non-binary packet");
        assertRejected("0{\"_placeholder\":true,\"num\":0}", "placeholder object in a non-binary packet");
    }

    @Test
    void rejectsUnexpectedAttachment() {
        SocketIOProtocolException e = assertThrows(SocketIOProtocolException.class,
                () -> decoder.addAttachment(new byte[] { 1 }));
        assertEquals("Invalid Socket.IO packet: unexpected binary attachment: no binary packet awaits attachments",
                e.getMessage());
        assertNull(decoder.decodeText("52-[\"x\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"));
        assertNull(decoder.addAttachment(new byte[] { 1 }));
        e = assertThrows(SocketIOProtocolException.class, () -> decoder.decodeText("2[\"x\"]"));
        assertEquals("Invalid Socket.IO packet: text packet received while 1 binary attachment(s) were still awaited",
                e.getMessage());
        // the decoder was reset
        assertFalse(decoder.awaitingAttachments());
        assertEquals("x", decoder.decodeText("2[\"x\"]").data().get(0).textValue());
    }

    @Test
    void protocolExceptionHasNoStackTrace() {
        SocketIOProtocolException e = assertThrows(SocketIOProtocolException.class, () -> decoder.decodeText("9"));
        assertEquals(0, e.getStackTrace().length);
    }

    // ---------------------------------------------------------------- helpers

    private SocketIOPacket decodeComplete(String text) {
        SocketIOPacket packet = decoder.decodeText(text);
        assertNotNull(packet, "expected a complete packet from " + text);
        return packet;
    }

    private void assertRoundTrip(String text) {
        SocketIOPacket packet = decodeComplete(text);
        EncodedPacket encoded = encoder.encode(packet);
        assertEquals(text, encoded.text());
        assertTrue(encoded.attachments().isEmpty());
        // the decoded form is stable too
        assertEquals(packet, decodeComplete(encoded.text()));
    }

    private void assertRejected(String text, String message) {
        SocketIOProtocolException e = assertThrows(SocketIOProtocolException.class, () -> decoder.decodeText(text),
                () -> "expected " + text + " to be rejected");
        assertEquals("Invalid Socket.IO packet: " + message, e.getMessage(), () -> "for " + text);
        assertFalse(decoder.awaitingAttachments());
    }

    private void assertRejectedStartingWith(String text, String messageStart) {
        SocketIOProtocolException e = assertThrows(SocketIOProtocolException.class, () -> decoder.decodeText(text),
                () -> "expected " + text + " to be rejected");
        String expected = "Invalid Socket.IO packet: " + messageStart;
        assertTrue(e.getMessage().startsWith(expected), () -> "for " + text + ": expected a message starting with\n"
                + expected + "\nbut was\n" + e.getMessage());
    }
}
