package io.quarkiverse.socketio.runtime.declarative;

/** The annotation a handler method carries. */
public enum HandlerKind {
    MIDDLEWARE("@Middleware"),
    CONNECT("@OnConnect"),
    EVENT("@OnEvent"),
    ANY_EVENT("@OnAnyEvent"),
    DISCONNECT("@OnDisconnect"),
    ERROR("@OnError");

    private final String annotation;

    HandlerKind(String annotation) {
        this.annotation = annotation;
    }

    public String annotation() {
        return annotation;
    }
}
