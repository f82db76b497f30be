package io.quarkiverse.socketio;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs once a socket joined the namespace of its {@link SocketIO} bean, after the middlewares let it in, and before
 * any of its events is handled.
 * <p>
 * Parameters, in any order: {@link SocketIOSocket}, {@link Handshake}. Returns {@code void}, or a {@code Uni} or
 * {@code CompletionStage} that the socket's first event waits for. At most one per bean.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnConnect {
}
