package io.quarkiverse.socketio;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Handles one event of the namespace of its {@link SocketIO} bean.
 * <p>
 * Parameters, in any order: {@link SocketIOSocket}, {@link Handshake}, {@link SocketIOEvent} (the raw event),
 * {@link SocketIOAck} (to answer later); every other parameter is an event argument, bound in order (the first one
 * from the first argument after the event name) by the application's {@code ObjectMapper}: records, POJOs,
 * collections with their generic types, {@code JsonNode}, primitives and their boxes, {@code String}, and
 * {@code byte[]} or Vert.x {@code Buffer} for binary attachments. A missing argument binds as {@code null} (a
 * primitive as its default); an argument that cannot be converted drops the event (logged at DEBUG level).
 * <p>
 * The return value is the acknowledgement, when the client asked for one: a plain value, {@code Uni<T>} or
 * {@code CompletionStage<T>} (sent when it completes); {@code void}, {@code Uni<Void>} or
 * {@code CompletionStage<Void>} acknowledge with no arguments. A method taking a {@link SocketIOAck} returns
 * {@code void} and acknowledges through it.
 * <p>
 * A method returning {@code Multi<T>} streams its items to the calling socket, and names the event that carries each
 * item with {@link #emit()}: {@code @OnEvent(value = "ticks", emit = "tick")}. The socket gets {@code tick} with one
 * item per event, in order, then {@code tick:end} with no arguments when the {@code Multi} completes, or
 * {@code tick:error} with {@code {"message": ...}} when it fails (the failure then goes to the matching
 * {@link OnError} handler, as any handler's). The items are requested one at a time, the next one when the client's
 * connection can take more, so a slow client slows the stream down rather than filling the server's memory. The
 * stream is cancelled when the socket disconnects. If the client asked for an acknowledgement, it is sent once, with
 * no arguments, when the stream ends or fails (unless an {@code @OnError} handler answers the failure with a value).
 * The stream runs alongside the socket's later events: the next handler does not wait for it to end.
 * <p>
 * At most one handler per event name in a namespace; the names Socket.IO reserves ({@code connect},
 * {@code connect_error}, {@code disconnect}, {@code disconnecting}, {@code newListener}, {@code removeListener}) are
 * not allowed.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnEvent {

    /** The event name; required. */
    String value() default "";

    /**
     * For a method returning {@code Multi<T>}, and only for one: the event each item is emitted as, to the calling
     * socket; {@code <emit>:end} and {@code <emit>:error} signal the completion and the failure.
     */
    String emit() default "";
}
