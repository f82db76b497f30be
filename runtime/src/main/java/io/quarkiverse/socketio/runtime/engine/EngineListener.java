package io.quarkiverse.socketio.runtime.engine;

/**
 * The layer above the engine: told of each new session.
 */
@FunctionalInterface
public interface EngineListener {

    /**
     * A new session completed its handshake. Runs on the session's context, before the handshake answer is sent, so a
     * handler set here sees every message.
     */
    void onOpen(EngineSession session);
}
