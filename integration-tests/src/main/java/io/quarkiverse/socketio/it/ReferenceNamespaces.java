package io.quarkiverse.socketio.it;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOServer;
import io.quarkus.runtime.StartupEvent;

/**
 * The Socket.IO side of the protocol reference application (see {@code run-reference.sh}): the namespaces {@code /}
 * and {@code /custom}, and nothing else.
 * <ul>
 * <li>on connection to either, the server emits {@code auth} to that socket with its handshake auth object
 * ({@code {}} when the client sent none);</li>
 * <li>on {@code /}, {@code message} is emitted back to the sender as {@code message-back} with identical arguments
 * (binary included), and {@code message-with-ack} is acknowledged with identical arguments.</li>
 * </ul>
 */
@ApplicationScoped
public class ReferenceNamespaces {

    @Inject
    SocketIOServer io;

    void init(@Observes StartupEvent ev) {
        sendAuthOnConnection(io);
        io.onConnection(socket -> {
            socket.on("message", event -> socket.emit("message-back", event.args().toArray()));
            socket.on("message-with-ack", event -> event.ack(event.args().toArray()));
        });

        sendAuthOnConnection(io.of("/custom"));
    }

    private static void sendAuthOnConnection(SocketIONamespace namespace) {
        namespace.onConnection(socket -> socket.emit("auth", socket.handshake().auth()));
    }
}
