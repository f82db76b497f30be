package io.quarkiverse.socketio.runtime.adapter.cluster;

import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage;

/**
 * Told when a request to the other nodes ({@code fetchSockets}, {@code serverSideEmitWithAck}) ends: answered by
 * every node, or timed out. For the application's metrics; called on the adapter's context, must return at once.
 */
@FunctionalInterface
public interface ClusterRequestListener {

    ClusterRequestListener NONE = (type, nanos, timedOut) -> {
    };

    /**
     * @param type the request's message type
     * @param nanos how long it took, from its start to its end
     * @param timedOut whether it ended at its timeout, without the answers of every node
     */
    void requestEnded(ClusterMessage.Type type, long nanos, boolean timedOut);
}
