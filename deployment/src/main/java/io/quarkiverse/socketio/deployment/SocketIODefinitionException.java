package io.quarkiverse.socketio.deployment;

/**
 * A {@link io.quarkiverse.socketio.SocketIO} bean is not valid: fails the build. The message lists every problem
 * found, each with the class and method concerned and how to fix it.
 */
public class SocketIODefinitionException extends RuntimeException {

    public SocketIODefinitionException(String message) {
        super(message);
    }
}
