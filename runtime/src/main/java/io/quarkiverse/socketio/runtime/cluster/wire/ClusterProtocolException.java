package io.quarkiverse.socketio.runtime.cluster.wire;

/**
 * A malformed cluster frame or cluster message was received: the bytes are dropped (and the channel they came on,
 * when it is a stream that lost its framing, should be closed).
 * <p>
 * Thrown once per bad input, so it carries no stack trace (it would only show the decoder).
 */
public class ClusterProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ClusterProtocolException(String message) {
        super(message, null, false, false);
    }

    public ClusterProtocolException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
