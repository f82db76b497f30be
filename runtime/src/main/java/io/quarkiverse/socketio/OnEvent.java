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
}
