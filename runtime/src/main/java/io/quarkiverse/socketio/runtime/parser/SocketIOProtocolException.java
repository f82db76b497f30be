package io.quarkiverse.socketio.runtime.parser;

/**
 * A malformed Socket.IO packet was received. The connection it came from should be closed.
 * <p>
 * Thrown once per bad client input, so it carries no stack trace (it would only show the decoder).
 */
public class SocketIOProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SocketIOProtocolException(String message) {
        super(message, null, false, false);
    }
}
