package io.quarkiverse.socketio;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Handles a failure of another handler of the same {@link SocketIO} bean: an exception thrown by an
 * {@link OnConnect}, {@link OnEvent}, {@link OnAnyEvent} or {@link OnDisconnect} method, or the failure of the
 * {@code Uni} or {@code CompletionStage} it returned.
 * <p>
 * Parameters, in any order: exactly one {@link Throwable} (or a subtype: the error handlers it matches), and
 * optionally {@link SocketIOSocket} and {@link Handshake}. When several error handlers match, the one whose exception
 * type is the closest to the failure's class runs; each exception type may have one handler per bean.
 * <p>
 * When the failed handler was an {@link OnEvent} whose client asked for an acknowledgement, a value returned by the
 * error handler (plain, {@code Uni} or {@code CompletionStage}) is sent as the acknowledgement; a {@code void} error
 * handler sends none. Without a matching error handler, the failure is logged (ERROR) and no acknowledgement is sent.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnError {
}
