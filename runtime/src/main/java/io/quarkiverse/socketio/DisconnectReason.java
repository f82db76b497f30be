package io.quarkiverse.socketio;

/**
 * Why a socket left its namespace. The wire names are those of the Node.js server, so logs read the same.
 */
public enum DisconnectReason {
    /** The server called {@link SocketIOSocket#disconnect(boolean)}. */
    SERVER_NAMESPACE_DISCONNECT("server namespace disconnect"),
    /** The client left the namespace ({@code socket.disconnect()} on the client). */
    CLIENT_NAMESPACE_DISCONNECT("client namespace disconnect"),
    /** The server is shutting down. */
    SERVER_SHUTTING_DOWN("server shutting down"),
    /** The client did not answer a ping within {@code ping-timeout}. */
    PING_TIMEOUT("ping timeout"),
    /** The connection was closed (the client went away, or the user closed the tab). */
    TRANSPORT_CLOSE("transport close"),
    /** The connection failed. */
    TRANSPORT_ERROR("transport error"),
    /** The client sent something the server could not parse. */
    PARSE_ERROR("parse error"),
    /** The Engine.IO session was closed by the server. */
    FORCED_CLOSE("forced close"),
    /** Another socket of the same connection closed the whole connection. */
    FORCED_SERVER_CLOSE("forced server close");

    private final String wireName;

    DisconnectReason(String wireName) {
        this.wireName = wireName;
    }

    /** The reason as the Node.js server names it, for example {@code transport close}. */
    public String wireName() {
        return wireName;
    }

    /** The reason for an Engine.IO close reason; unknown ones count as a transport error. */
    public static DisconnectReason fromEngineReason(String engineReason) {
        for (DisconnectReason reason : values()) {
            if (reason.wireName.equals(engineReason)) {
                return reason;
            }
        }
        return TRANSPORT_ERROR;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
