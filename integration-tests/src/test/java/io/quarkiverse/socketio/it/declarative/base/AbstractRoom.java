package io.quarkiverse.socketio.it.declarative.base;

import java.util.Map;

import io.quarkiverse.socketio.OnConnect;
import io.quarkiverse.socketio.OnError;
import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIOSocket;
import io.smallrye.common.annotation.NonBlocking;

/**
 * An abstract base of a {@code @SocketIO} bean, in another package than the bean: its handlers (package-private,
 * protected, public, abstract) are the bean's. Not a bean itself.
 */
public abstract class AbstractRoom implements Greeting {

    @OnConnect
    void joined(SocketIOSocket socket) {
        socket.emit("welcome", "from " + AbstractRoom.class.getSimpleName(), roomName());
    }

    @OnEvent("base")
    protected String base(String text) {
        return "base:" + text;
    }

    /** Overridden by the bean, without the annotation: the bean's method runs. */
    @OnEvent("overridden")
    public String overridden(String text) {
        return "base-overridden:" + text;
    }

    /** Overridden by the bean with its own annotation: counts once, for the bean's event name. */
    @OnEvent("renamed-in-base")
    public String renamed() {
        return "base-renamed";
    }

    /** Implemented by the bean. */
    @NonBlocking
    @OnEvent("abstract")
    protected abstract String implemented(int n);

    @OnEvent("fail-inherited")
    void fail() {
        throw new IllegalStateException("inherited failure");
    }

    @OnError
    Map<String, String> failed(IllegalStateException failure) {
        return Map.of("handledBy", AbstractRoom.class.getSimpleName(), "message", failure.getMessage());
    }

    protected abstract String roomName();
}
