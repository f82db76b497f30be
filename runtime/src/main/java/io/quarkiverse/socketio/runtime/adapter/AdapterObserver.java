package io.quarkiverse.socketio.runtime.adapter;

/**
 * Told of each message an adapter receives from another server, for the Dev UI's live event log. Calls come from the
 * adapters' threads and must return at once.
 */
public interface AdapterObserver {

    /** Observes nothing. */
    AdapterObserver NONE = new AdapterObserver() {
    };

    /**
     * A message of another server's adapter.
     *
     * @param from the server it came from, as the adapter names it (for example {@code node 3})
     * @param type the message type
     * @param namespace the namespace it is for
     */
    default void remoteMessage(String from, String type, String namespace) {
    }
}
