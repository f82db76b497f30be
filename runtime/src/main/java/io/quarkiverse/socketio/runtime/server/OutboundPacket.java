package io.quarkiverse.socketio.runtime.server;

import java.util.ArrayList;
import java.util.List;

import io.quarkiverse.socketio.runtime.engine.EngineSession;
import io.quarkiverse.socketio.runtime.protocol.EncodedPacket;
import io.vertx.core.buffer.Buffer;

/**
 * A Socket.IO packet encoded once and shared by all its recipients: the text part and the binary attachments, as
 * Engine.IO message packets.
 */
public record OutboundPacket(String text, List<Buffer> attachments) {

    public static OutboundPacket of(EncodedPacket encoded) {
        if (encoded.attachments().isEmpty()) {
            return new OutboundPacket(encoded.text(), List.of());
        }
        List<Buffer> buffers = new ArrayList<>(encoded.attachments().size());
        for (byte[] bytes : encoded.attachments()) {
            buffers.add(Buffer.buffer(bytes));
        }
        return new OutboundPacket(encoded.text(), List.copyOf(buffers));
    }

    /** Sends the packet: the text, then each attachment, in order. */
    public void writeTo(EngineSession session) {
        session.sendText(text);
        for (Buffer attachment : attachments) {
            session.sendBinary(attachment);
        }
    }
}
