package io.quarkiverse.socketio;

import java.util.regex.Pattern;

/**
 * The Socket.IO server of this application, a CDI bean. It is also the main namespace {@code /}: its namespace
 * methods act on {@code /}, as with {@code io} in Node.js.
 */
public interface SocketIOServer extends SocketIONamespace {

    /** The namespace with this name, created if needed. */
    SocketIONamespace of(String name);

    /**
     * A group of dynamic namespaces: a client may connect to any namespace whose whole name matches the pattern, and
     * the namespace is created on its first connection. Middlewares and handlers added to the group apply to every
     * namespace of it; its broadcast operators act on all of them.
     */
    SocketIONamespace of(Pattern namePattern);
}
