package io.quarkiverse.socketio;

/**
 * Rejects a connection from a {@link SocketIOMiddleware}. The client's {@code connect_error} carries the message and
 * the data (converted by the application's {@code ObjectMapper}).
 */
public class ConnectionRejectedException extends RuntimeException {

    private final transient Object data;

    public ConnectionRejectedException(String message) {
        this(message, null);
    }

    public ConnectionRejectedException(String message, Object data) {
        super(message, null, false, false);
        this.data = data;
    }

    /** The data sent to the client with the message, or {@code null}. */
    public Object data() {
        return data;
    }
}
