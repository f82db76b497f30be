package io.quarkiverse.socketio;

/**
 * An event argument the client sent cannot be bound to its {@link OnEvent} parameter (text for an {@code int}, a string
 * for a record): bad input from the client. The event's handler is not called; the failure goes to the bean's
 * {@link OnError} handler that matches it, whose return value acknowledges the event. Without one, the event is dropped
 * and logged at DEBUG level. It has no stack trace: it says what the client sent, not where the server failed.
 */
public class InvalidEventArgumentException extends RuntimeException {

    public InvalidEventArgumentException(String message) {
        super(message, null, false, false);
    }
}
