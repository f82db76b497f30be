package io.quarkiverse.socketio.runtime.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

import io.vertx.core.buffer.Buffer;

/**
 * Engine.IO v4 framing: single packets ({@code <type><data>}, or {@code b<base64>} for binary on polling) and polling
 * payloads (packets separated by the record separator {@code \x1e}). Pure functions.
 */
final class EngineCodec {

    static final char SEPARATOR = '\u001e';

    private EngineCodec() {
    }

    /** The outcome of decoding a polling payload: the packets before the first bad one, and whether there was one. */
    record Decoded(List<EnginePacket> packets, boolean error) {
    }

    /** Encodes packets as one polling payload. */
    static Buffer encodePayload(Collection<EnginePacket> packets) {
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (EnginePacket p : packets) {
            if (!first) {
                sb.append(SEPARATOR);
            }
            first = false;
            appendPacket(sb, p);
        }
        return Buffer.buffer(sb.toString(), "UTF-8");
    }

    /** Encodes one packet as text: {@code <type><data>}, or {@code b<base64>} for binary. */
    static String encodePacket(EnginePacket p) {
        StringBuilder sb = new StringBuilder();
        appendPacket(sb, p);
        return sb.toString();
    }

    private static void appendPacket(StringBuilder sb, EnginePacket p) {
        if (p.isBinary()) {
            sb.append('b').append(Base64.getEncoder().encodeToString(p.binary().getBytes()));
        } else {
            sb.append(p.type()).append(p.text());
        }
    }

    /**
     * Decodes one text-encoded packet.
     *
     * @return the packet, or {@code null} when it is not a valid Engine.IO packet
     */
    private static String withoutWhitespace(String text, int from) {
        StringBuilder sb = null;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean whitespace = c == ' ' || c == '\n' || c == '\r' || c == '\t';
            if (whitespace && sb == null) {
                sb = new StringBuilder(text.length()).append(text, from, i);
            } else if (!whitespace && sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text.substring(from) : sb.toString();
    }

    static EnginePacket decodePacket(String encoded) {
        if (encoded.isEmpty()) {
            return null;
        }
        char type = encoded.charAt(0);
        if (type == 'b') {
            try {
                // Whitespace is skipped, as Node.js does: the official Java client ends its base64 with a line feed.
                byte[] bytes = Base64.getDecoder().decode(withoutWhitespace(encoded, 1));
                return EnginePacket.binary(Buffer.buffer(bytes));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if (type < EnginePacket.OPEN || type > EnginePacket.NOOP) {
            return null;
        }
        return EnginePacket.text(type, encoded.substring(1));
    }

    /** Decodes a polling payload; decoding stops at the first bad packet. */
    static Decoded decodePayload(Buffer body) {
        String payload = body.toString(StandardCharsets.UTF_8);
        List<EnginePacket> packets = new ArrayList<>(2);
        int start = 0;
        while (true) {
            int end = payload.indexOf(SEPARATOR, start);
            String part = end < 0 ? payload.substring(start) : payload.substring(start, end);
            EnginePacket p = decodePacket(part);
            if (p == null) {
                return new Decoded(packets, true);
            }
            packets.add(p);
            if (end < 0) {
                return new Decoded(packets, false);
            }
            start = end + 1;
        }
    }
}
