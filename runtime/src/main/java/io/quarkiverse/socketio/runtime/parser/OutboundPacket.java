package io.quarkiverse.socketio.runtime.parser;

import java.util.ArrayList;
import java.util.List;

import io.quarkiverse.socketio.runtime.engine.EngineSession;
import io.quarkiverse.socketio.runtime.engine.EngineText;
import io.vertx.core.buffer.Buffer;

/**
 * A Socket.IO packet encoded once and shared by all its recipients: the text part and the binary attachments, as
 * Engine.IO message packets. The text's packet bytes are encoded once too, on first use by a WebSocket.
 */
public record OutboundPacket(EngineText text, List<Buffer> attachments) {

    public static OutboundPacket of(EncodedPacket encoded) {
        if (encoded.attachments().isEmpty()) {
            return new OutboundPacket(new EngineText(encoded.text()), List.of());
        }
        List<Buffer> buffers = new ArrayList<>(encoded.attachments().size());
        for (byte[] bytes : encoded.attachments()) {
            buffers.add(Buffer.buffer(bytes));
        }
        return new OutboundPacket(new EngineText(encoded.text()), List.copyOf(buffers));
    }

    /** How many Engine.IO message packets it takes: the text and each attachment. */
    public int packetCount() {
        return 1 + attachments.size();
    }

    /** Its length in bytes: the text's UTF-8 (computed once) and the attachments'. */
    public long byteLength() {
        long bytes = text.utf8Length();
        for (Buffer attachment : attachments) {
            bytes += attachment.length();
        }
        return bytes;
    }

    /** Sends the packet: the text, then each attachment, in order. */
    public void writeTo(EngineSession session) {
        session.sendText(text);
        for (Buffer attachment : attachments) {
            session.sendBinary(attachment);
        }
    }
}
