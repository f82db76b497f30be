package io.quarkiverse.socketio.runtime.engine;

import io.vertx.core.buffer.Buffer;

/**
 * Receives what one Engine.IO session delivers. All methods run on the session's context.
 */
public interface EngineSessionHandler {

    /** A text message packet arrived (the data after the {@code 4}). */
    void onText(String text);

    /** A binary message packet arrived. */
    void onBinary(Buffer data);

    /** The session moved from long-polling to WebSocket. */
    default void onUpgrade() {
    }

    /**
     * The session is closed; called exactly once. Reasons, as engine.io names them: {@code transport close},
     * {@code transport error}, {@code ping timeout}, {@code parse error}, {@code forced close},
     * {@code server shutting down}.
     */
    void onClose(String reason);
}
