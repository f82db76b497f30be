package io.quarkiverse.socketio;

/**
 * Other servers of the cluster did not answer a request (such as {@link BroadcastOperator#fetchSockets()}) in time.
 * A server known to have stopped is not waited for: this means a server that is still there did not answer.
 */
public class ClusterTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int missingResponses;

    public ClusterTimeoutException(String message, int missingResponses) {
        super(message, null, false, false);
        this.missingResponses = missingResponses;
    }

    /** How many servers did not answer. */
    public int missingResponses() {
        return missingResponses;
    }
}
