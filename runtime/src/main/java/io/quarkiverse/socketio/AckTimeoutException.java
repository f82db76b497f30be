package io.quarkiverse.socketio;

/**
 * An acknowledgement did not arrive within the timeout. For a broadcast, {@link #partialResponses()} holds the
 * acknowledgements that did arrive.
 */
public class AckTimeoutException extends RuntimeException {

    private final transient java.util.List<com.fasterxml.jackson.databind.JsonNode> partialResponses;

    public AckTimeoutException(String message, java.util.List<com.fasterxml.jackson.databind.JsonNode> partialResponses) {
        super(message, null, false, false);
        this.partialResponses = partialResponses;
    }

    /** The acknowledgements received before the timeout. */
    public java.util.List<com.fasterxml.jackson.databind.JsonNode> partialResponses() {
        return partialResponses;
    }
}
