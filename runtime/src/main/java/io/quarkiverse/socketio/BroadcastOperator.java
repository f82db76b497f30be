package io.quarkiverse.socketio;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/**
 * Selects sockets of a namespace and acts on all of them, wherever they are connected. Each operator returns a new,
 * immutable selection, so a selection can be kept and reused: {@code io.to("room").except("muted").emit("news", n)}.
 * <p>
 * With no room selected, every socket of the namespace is selected.
 */
public interface BroadcastOperator {

    /** Adds rooms to the selection: sockets in any of them. */
    BroadcastOperator to(String... rooms);

    /** The same as {@link #to(String...)}. */
    default BroadcastOperator in(String... rooms) {
        return to(rooms);
    }

    /** Removes from the selection the sockets in any of these rooms (a socket id is a room too). */
    BroadcastOperator except(String... rooms);

    /** Keeps the selection to the sockets connected to this server process. */
    BroadcastOperator local();

    /** The events may be lost when a client cannot receive them right away. */
    BroadcastOperator asVolatile();

    /** Whether the events may be compressed (per-message deflate). */
    BroadcastOperator compress(boolean compress);

    /** How long {@link #emitWithAck(String, Object...)} waits for the acknowledgements. */
    BroadcastOperator timeout(Duration timeout);

    /**
     * Sends an event to every selected socket. The arguments are converted by the application's {@code ObjectMapper}
     * once, whatever the number of recipients; {@code byte[]} and Vert.x {@code Buffer}s travel as binary.
     */
    void emit(String event, Object... args);

    /**
     * Sends an event to every selected socket and collects each one's acknowledgement (its first argument). Needs
     * {@link #timeout(Duration)}: fails with {@link AckTimeoutException} when not every socket answered in time.
     */
    Uni<List<JsonNode>> emitWithAck(String event, Object... args);

    /** The selected sockets, with their id, handshake, rooms and data. */
    Uni<List<RemoteSocket>> fetchSockets();

    /** Makes the selected sockets join these rooms. */
    void socketsJoin(String... rooms);

    /** Makes the selected sockets leave these rooms. */
    void socketsLeave(String... rooms);

    /**
     * Disconnects the selected sockets from the namespace; with {@code close}, closes their whole connection.
     */
    void disconnectSockets(boolean close);
}
