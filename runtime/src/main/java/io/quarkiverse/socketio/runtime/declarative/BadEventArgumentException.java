package io.quarkiverse.socketio.runtime.declarative;

/** An event argument the client sent cannot be bound to its handler parameter: bad input, the event is dropped. */
final class BadEventArgumentException extends RuntimeException {

    BadEventArgumentException(String message) {
        super(message, null, false, false);
    }
}
