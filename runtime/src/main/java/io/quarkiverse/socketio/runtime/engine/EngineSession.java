package io.quarkiverse.socketio.runtime.engine;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;

/**
 * One Engine.IO v4 session, whatever its transport. What the layer above (Socket.IO, or a bare Engine.IO
 * application) sees of it.
 * <p>
 * Every callback of the {@link EngineSessionHandler} runs on {@link #context()}, one after another. The send methods
 * may be called from any thread; messages leave in the order they were sent.
 */
public interface EngineSession {

    /** The Engine.IO session id (sid): 20 url-safe characters. */
    String id();

    /** The current transport: {@code polling} or {@code websocket}. */
    String transport();

    /** The request that opened the session. */
    EngineHandshake handshake();

    /** The Vert.x context (an event loop) that runs this session's callbacks. */
    Context context();

    /** Whether the session is still open. */
    boolean isOpen();

    /** Sets the receiver of this session's messages and close. Call it from {@link EngineListener#onOpen}. */
    void handler(EngineSessionHandler handler);

    /**
     * Whether a message sent now would leave at once instead of waiting for the client: a polling GET is held, or the
     * WebSocket's write queue has room. Volatile messages are dropped when it is not.
     */
    boolean writable();

    /** Sends a text message packet ({@code 4<text>}). */
    void sendText(String text);

    /** Sends a text message packet that other sessions may send too: it is encoded once for all of them. */
    void sendText(EngineText text);

    /** Sends a binary message packet. The buffer must not be modified afterwards (it may be shared). */
    void sendBinary(Buffer data);

    /**
     * Closes the session from the server side: pending packets are flushed first, then the transport is closed and the
     * handler's {@code onClose} is called with reason {@code "forced close"}.
     */
    void close();
}
