package io.quarkiverse.socketio;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An event received from a client, or from another server through {@code serverSideEmit}. Binary arguments arrive as
 * {@link com.fasterxml.jackson.databind.node.BinaryNode}s, wherever they were in the arguments.
 */
public interface SocketIOEvent {

    /** The event name. */
    String name();

    /** The arguments after the name, in order. */
    List<JsonNode> args();

    /** The argument at {@code index}, or a missing node when there are fewer. */
    JsonNode arg(int index);

    /** The argument at {@code index}, converted by the application's {@code ObjectMapper}. */
    <T> T arg(int index, Class<T> type);

    /** Whether the sender waits for an acknowledgement. */
    boolean hasAck();

    /**
     * Acknowledges the event with these arguments (converted by the application's {@code ObjectMapper}; {@code byte[]}
     * and Vert.x {@code Buffer}s travel as binary). Only the first call counts; without {@link #hasAck()} it does
     * nothing.
     */
    void ack(Object... args);

    /** The socket that sent the event, or {@code null} for an event from another server. */
    SocketIOSocket socket();
}
