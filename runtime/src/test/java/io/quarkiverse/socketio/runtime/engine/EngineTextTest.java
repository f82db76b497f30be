package io.quarkiverse.socketio.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;

class EngineTextTest {

    /** The payload of a final unmasked text frame, read back the way RFC 6455 defines the header. */
    static String payloadOf(ByteBuf frame) {
        assertEquals(0x81, frame.getByte(0) & 0xFF, "FIN and text opcode");
        int length = frame.getByte(1) & 0xFF;
        int at = 2;
        long declared = length;
        if (length == 126) {
            declared = frame.getUnsignedShort(2);
            at = 4;
        } else if (length == 127) {
            declared = frame.getLong(2);
            at = 10;
        }
        assertEquals(frame.readableBytes() - at, declared, "declared payload length");
        return frame.toString(at, frame.readableBytes() - at, StandardCharsets.UTF_8);
    }

    @Test
    void theFrameCarriesTheMessagePacketWithEachLengthEncoding() {
        for (int size : new int[] { 0, 124, 125, 200, 65_534, 65_535, 70_000 }) {
            String text = "é".repeat(size / 2) + "x".repeat(size % 2); // 2 bytes per é in UTF-8
            EngineText message = new EngineText(text);
            assertEquals("4" + text, payloadOf(message.frame()), "text of " + size + " bytes");
        }
    }

    @Test
    void theFrameIsEncodedOnceForEveryRecipient() {
        EngineText message = new EngineText("2[\"tick\",{\"i\":1}]");
        assertSame(message.frame(), message.frame());
    }
}
