package io.quarkiverse.socketio;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs once a socket left the namespace of its {@link SocketIO} bean (and its rooms), after the socket's events
 * received before were handled.
 * <p>
 * Parameters, in any order: {@link SocketIOSocket}, {@link DisconnectReason}, {@link Handshake}. Returns
 * {@code void}, a {@code Uni} or a {@code CompletionStage}. At most one per bean.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnDisconnect {
}
