package io.quarkiverse.socketio.runtime.declarative;

/**
 * Calls one handler method of a {@link io.quarkiverse.socketio.SocketIO} bean. An implementation is generated at build
 * time for each handler method: a direct call, with the arguments cast to the method's parameter types.
 */
public interface SocketIOInvoker {

    /** Calls the method on the bean with these arguments, in the method's order; returns its result (null for void). */
    Object invoke(Object bean, Object[] args) throws Exception;
}
