package io.quarkiverse.socketio.runtime.adapter;

import java.util.Optional;

/**
 * Makes the adapter of each namespace: in-memory for a single process; the cluster and Redis adapters provide their
 * own.
 */
@FunctionalInterface
public interface AdapterFactory {

    AdapterFactory IN_MEMORY = InMemoryAdapter::new;

    Adapter create(LocalNamespace namespace);

    /**
     * Whether the adapters keep the sessions and broadcasts of connection state recovery outside this process (a
     * cluster's primary); otherwise the server keeps them in its own store.
     */
    default boolean keepsRecoveryElsewhere() {
        return false;
    }

    /**
     * Why the adapters cannot reach the other servers now (their Redis is away, say), for the readiness check; empty
     * when they can, or have no others to reach.
     */
    default Optional<String> unavailability() {
        return Optional.empty();
    }

    /** Tells {@code observer} of each message the adapters receive from other servers. */
    default void observe(AdapterObserver observer) {
    }

    /** Closes what the adapters share (a cluster link's listener, timers); the server calls it when it stops. */
    default void close() {
    }
}
