package io.quarkiverse.socketio.runtime.cluster.primary;

import io.vertx.core.json.JsonObject;

/**
 * The one Engine.IO packet the router reads: a worker's open packet {@code 0{"sid":"...",...}}, which tells it the sid
 * of a new session. A pure function, for any thread.
 */
final class EngineOpenPacket {

    /** How the workers' own open packet starts. */
    private static final String SID_FIRST = "0{\"sid\":\"";

    private EngineOpenPacket() {
    }

    /**
     * The sid of an open packet, or null when {@code packet} is none (or has no sid). The start of a polling payload
     * does too: what follows the first record separator is ignored.
     */
    static String sid(String packet) {
        if (packet == null || packet.length() < 3 || packet.charAt(0) != '0' || packet.charAt(1) != '{') {
            return null;
        }
        if (packet.startsWith(SID_FIRST)) {
            // the workers' own open packet: the sid first, url-safe characters only (no JSON parser needed)
            int close = packet.indexOf('"', SID_FIRST.length());
            if (close > SID_FIRST.length()) {
                return packet.substring(SID_FIRST.length(), close);
            }
        }
        int end = packet.indexOf('\u001e');
        String json = end < 0 ? packet.substring(1) : packet.substring(1, end);
        try {
            Object sid = new JsonObject(json).getValue("sid");
            return sid instanceof String s && !s.isEmpty() ? s : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
