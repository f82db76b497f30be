package io.quarkiverse.socketio;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs for each socket that connects to the namespace of its {@link SocketIO} bean, before it joins. It is added to
 * the namespace's middlewares while the HTTP router is set up, so before those that {@code StartupEvent} observers add
 * with {@link SocketIONamespace#use(SocketIOMiddleware)}.
 * <p>
 * Parameters, in any order: {@link SocketIOSocket}, {@link Handshake}. Returns {@code void}, {@code Uni<Void>} or
 * {@code CompletionStage<Void>}. Returning normally lets the socket in; throwing (or failing with) a
 * {@link ConnectionRejectedException} rejects the connection with its message and data (the client gets
 * {@code connect_error}); any other failure rejects it with the failure's message.
 * <p>
 * At most one per bean: merge several checks into one method, or add more middlewares with
 * {@link SocketIONamespace#use(SocketIOMiddleware)}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Middleware {
}
