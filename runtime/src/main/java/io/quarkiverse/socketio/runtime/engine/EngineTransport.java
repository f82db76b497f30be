package io.quarkiverse.socketio.runtime.engine;

import java.util.Collection;

/**
 * A transport of one session. Only the session's context calls these methods (the underlying Vert.x response and
 * WebSocket writes are thread-safe).
 */
abstract sealed class EngineTransport permits PollingTransport, WebSocketTransport {

    /** {@code polling} or {@code websocket}. */
    abstract String name();

    /** Whether {@link #send} may be called now. */
    abstract boolean writable();

    /** Whether a packet sent now would leave without queueing (read from any thread). */
    boolean readyForMore() {
        return writable();
    }

    /** Sends the packets, in order. Only when {@link #writable()}. */
    abstract void send(Collection<EnginePacket> packets);
}
