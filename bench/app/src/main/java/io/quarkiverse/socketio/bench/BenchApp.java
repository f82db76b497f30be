package io.quarkiverse.socketio.bench;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIOServer;
import io.quarkus.runtime.StartupEvent;

/**
 * The bench application contract (issue 6), on namespace {@code /} with the default server options:
 * <ul>
 * <li>on connection, the socket joins room {@code bench};</li>
 * <li>{@code chat(payload)}: broadcast {@code chat} with the payload to {@code bench}, sender included;</li>
 * <li>{@code echo(payload, ack)}: ack with the payload;</li>
 * <li>{@code blast({count, size}, ack)}: {@code count} broadcasts of {@code tick} {@code {"i": i, "pad": "xx.."}} to
 * {@code bench}, then ack {@code "done"};</li>
 * <li>{@code count(ack)}: ack with the number of sockets {@code fetchSockets()} finds in the whole cluster;</li>
 * <li>{@code serverEmit(payload, ack)}: {@code serverSideEmit("relay", payload)}, then ack {@code "ok"}; on
 * {@code relay}, every server broadcasts {@code relayed} with the payload to its local members of {@code bench}.</li>
 * </ul>
 * Handlers of the programmatic API run on the socket's event loop; none of them blocks.
 */
@ApplicationScoped
public class BenchApp {

    static final String ROOM = "bench";

    /** One tick of a blast; a record keeps the field order {@code i, pad}. */
    public record Tick(int i, String pad) {
    }

    @Inject
    SocketIOServer io;

    void start(@Observes StartupEvent startup) {
        io.onConnection(socket -> {
            socket.join(ROOM);
            socket.on("chat", e -> io.to(ROOM).emit("chat", payload(e)));
            socket.on("echo", e -> e.ack(payload(e)));
            socket.on("blast", this::blast);
            socket.on("count", e -> io.fetchSockets().subscribe().with(
                    sockets -> e.ack(sockets.size()),
                    failure -> e.ack(-1)));
            socket.on("serverEmit", e -> {
                io.serverSideEmit("relay", payload(e));
                e.ack("ok");
            });
        });
        io.onServerSideEmit("relay", e -> io.local().to(ROOM).emit("relayed", payload(e)));
    }

    private void blast(SocketIOEvent e) {
        JsonNode options = e.arg(0);
        int count = options.path("count").asInt(0);
        int size = Math.max(0, options.path("size").asInt(0));
        String pad = "x".repeat(size);
        for (int i = 0; i < count; i++) {
            io.to(ROOM).emit("tick", new Tick(i, pad));
        }
        e.ack("done");
    }

    /** The first argument, {@code null} when the client sent none (as Node's {@code undefined} is sent). */
    private static JsonNode payload(SocketIOEvent e) {
        return e.args().isEmpty() ? NullNode.getInstance() : e.arg(0);
    }
}
