package io.quarkiverse.socketio;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the handlers of a namespace: the methods of this class annotated with {@link OnConnect}, {@link OnEvent},
 * {@link OnAnyEvent}, {@link OnDisconnect}, {@link OnError} and {@link Middleware}. Found when the application is
 * built, validated, and bound to the namespace when it starts.
 *
 * <pre>
 * &#64;SocketIO(namespace = "/chat")
 * public class Chat {
 *     &#64;Inject
 *     SocketIOServer io;
 *
 *     &#64;OnEvent("message")
 *     Receipt message(SocketIOSocket socket, ChatMessage msg) {
 *         io.of("/chat").to("lobby").except(socket.id()).emit("message", msg);
 *         return new Receipt(msg.id()); // the ack, when the client asked for one
 *     }
 * }
 * </pre>
 * <p>
 * The class is a CDI bean: {@code @Singleton} unless it declares {@code @ApplicationScoped}; it may inject any bean.
 * One bean per namespace (or per pattern).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface SocketIO {

    /** The namespace, for example {@code /chat}; a missing leading slash is added. The main namespace by default. */
    String namespace() default "/";

    /**
     * A Java regular expression for dynamic namespaces: a client may connect to any namespace whose whole name matches
     * it (for example {@code /room-\d+}), and the handlers serve each of them (see
     * {@link SocketIOServer#of(java.util.regex.Pattern)}). Setting both this and {@link #namespace()} is a build error.
     */
    String namespacePattern() default "";
}
