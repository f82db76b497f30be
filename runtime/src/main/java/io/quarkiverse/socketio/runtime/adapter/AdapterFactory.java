package io.quarkiverse.socketio.runtime.adapter;

/**
 * Makes the adapter of each namespace: in-memory for a single process; the cluster and Redis adapters provide their
 * own.
 */
@FunctionalInterface
public interface AdapterFactory {

    AdapterFactory IN_MEMORY = InMemoryAdapter::new;

    Adapter create(LocalNamespace namespace);

    /** Closes what the adapters share (a cluster link's listener, timers); the server calls it when it stops. */
    default void close() {
    }
}
