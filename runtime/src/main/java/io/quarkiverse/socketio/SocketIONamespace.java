package io.quarkiverse.socketio;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/**
 * A namespace: a communication channel that sockets join, with its own middlewares, rooms and handlers. The
 * {@link BroadcastOperator} methods act on all of its sockets.
 */
public interface SocketIONamespace extends BroadcastOperator {

    /** The namespace name, for example {@code /} or {@code /chat}. */
    String name();

    /** Adds a middleware run for each connecting socket, after the ones added before. */
    SocketIONamespace use(SocketIOMiddleware middleware);

    /** Adds a handler run for each socket that joined the namespace, after its middlewares let it through. */
    SocketIONamespace onConnection(Consumer<SocketIOSocket> handler);

    /** Adds a handler for an event that another server sent with {@link #serverSideEmit(String, Object...)}. */
    SocketIONamespace onServerSideEmit(String event, Consumer<SocketIOEvent> handler);

    /** The sockets of this namespace connected to this server process. */
    Collection<SocketIOSocket> localSockets();

    /**
     * Sends an event to the other servers of the cluster (not to clients). Without other servers, nothing happens.
     */
    void serverSideEmit(String event, Object... args);

    /**
     * Sends an event to the other servers and collects each one's acknowledgement (its first argument). Without other
     * servers, the list is empty.
     */
    Uni<List<JsonNode>> serverSideEmitWithAck(String event, Object... args);

    /**
     * How many servers (processes) the cluster has, this one included: 1 without a cluster, and in a cluster 1 + the
     * other workers that serve now.
     */
    Uni<Integer> serverCount();
}
