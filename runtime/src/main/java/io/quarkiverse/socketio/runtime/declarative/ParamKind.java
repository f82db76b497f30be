package io.quarkiverse.socketio.runtime.declarative;

/** Where the value of a handler parameter comes from. */
public enum ParamKind {
    /** The {@link io.quarkiverse.socketio.SocketIOSocket}. */
    SOCKET,
    /** The socket's {@link io.quarkiverse.socketio.Handshake}. */
    HANDSHAKE,
    /** The raw {@link io.quarkiverse.socketio.SocketIOEvent}. */
    EVENT,
    /** The {@link io.quarkiverse.socketio.SocketIOAck} of the event. */
    ACK,
    /** The {@link io.quarkiverse.socketio.DisconnectReason}. */
    DISCONNECT_REASON,
    /** The failure an error handler handles. */
    ERROR,
    /** An event argument, bound by the ObjectMapper. */
    PAYLOAD
}
