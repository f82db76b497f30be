package io.quarkiverse.socketio;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs for every event a socket sends to the namespace of its {@link SocketIO} bean, before the event's own
 * {@link OnEvent} handler.
 * <p>
 * Parameters, in any order: {@link SocketIOSocket}, {@link SocketIOEvent}, {@link Handshake}. Returns {@code void},
 * or a {@code Uni} or {@code CompletionStage} that the event's own handler waits for; it does not acknowledge the
 * event. At most one per bean.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnAnyEvent {
}
