package io.quarkiverse.socketio;

import io.smallrye.mutiny.Uni;

/**
 * Runs for each socket before it joins a namespace, in the order the middlewares were added. Completing the
 * {@code Uni} lets the socket through to the next middleware; failing it with a {@link ConnectionRejectedException}
 * rejects the connection with that exception's message and data (the client gets {@code connect_error}). Any other
 * failure rejects it with the failure's message.
 */
@FunctionalInterface
public interface SocketIOMiddleware {

    Uni<Void> apply(SocketIOSocket socket);
}
