package io.quarkiverse.socketio;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Handles a failure of another handler of the same {@link SocketIO} bean: an exception thrown by a {@link Middleware},
 * {@link OnConnect}, {@link OnEvent}, {@link OnAnyEvent} or {@link OnDisconnect} method, the failure of the
 * {@code Uni} or {@code CompletionStage} it returned (its continuations included, such as a callback on the client's
 * acknowledgement of {@code emitWithAck}), or an event argument that cannot be bound
 * ({@link InvalidEventArgumentException}). A middleware's {@link ConnectionRejectedException} is a rejection, not a
 * failure: it does not come here.
 * <p>
 * Parameters, in any order: exactly one {@link Throwable} (or a subtype: the error handlers it matches), and
 * optionally {@link SocketIOSocket}, {@link SocketIOEvent} (the failed event; null when the failure was not an event's)
 * and {@link Handshake}. When several error handlers match, the one whose exception type is the closest to the
 * failure's class runs; each exception type may have one handler per bean.
 * <p>
 * When the failed handler was an {@link OnEvent} whose client asked for an acknowledgement, a value returned by the
 * error handler (plain, {@code Uni} or {@code CompletionStage}) is sent as the acknowledgement; a {@code void} error
 * handler sends none. A failed middleware still rejects the connection, with the failure's message. Without a matching
 * error handler, the failure is logged (ERROR, once) and no acknowledgement is sent; an argument that cannot be bound is
 * bad client input, logged at DEBUG level without a stack trace.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnError {
}
