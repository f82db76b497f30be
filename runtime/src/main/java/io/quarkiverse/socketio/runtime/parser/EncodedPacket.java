package io.quarkiverse.socketio.runtime.parser;

import java.util.List;
import java.util.Objects;

/**
 * A Socket.IO packet as sent on the wire: the text part, then each attachment as a binary Engine.IO message.
 * <p>
 * Encode once, then send the same instance to every recipient. The attachment arrays are shared with the
 * {@link com.fasterxml.jackson.databind.node.BinaryNode}s of the packet that was encoded: do not modify them.
 *
 * @param text the Socket.IO packet text, e.g. {@code 451-["upload",{"_placeholder":true,"num":0}]}, without the
 *        Engine.IO message prefix {@code 4}
 * @param attachments the binary attachments in placeholder order; empty for a packet without binary
 */
public record EncodedPacket(String text, List<byte[]> attachments) {

    public EncodedPacket {
        Objects.requireNonNull(text, "text");
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** Whether the packet has binary attachments. */
    public boolean isBinary() {
        return !attachments.isEmpty();
    }
}
