package io.quarkiverse.socketio.it.devmode;

import jakarta.inject.Inject;

import io.quarkiverse.socketio.OnConnect;
import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.SocketIOServers;
import io.smallrye.mutiny.Uni;

/**
 * The namespace of the dev-mode tests ({@link DevModeTest}): a client connects with {@code auth {name, room, token}},
 * joins {@code room} and keeps {@code name} in its data; {@code greet name} is acknowledged with a greeting (the text
 * the live-reload test changes in the source), {@code where} with the index of the worker that holds the socket,
 * {@code count} with the server count, {@code shout text} by {@code shout} with the text to the sender's room, the
 * sender left out (acknowledged {@code true}).
 */
@SocketIO(namespace = "/dev")
public class DevRoomsNamespace {

    @Inject
    SocketIOServers servers;

    @Inject
    SocketIOServer io;

    @OnConnect
    void connected(SocketIOSocket socket) {
        String room = socket.handshake().auth().path("room").asText("");
        if (!room.isEmpty()) {
            socket.join(room);
        }
        socket.data().put("name", socket.handshake().auth().path("name").asText(""));
    }

    @OnEvent("greet")
    String greet(String name) {
        return "hello " + name;
    }

    @OnEvent("count")
    Uni<Integer> count() {
        return io.of("/dev").serverCount();
    }

    @OnEvent("shout")
    boolean shout(SocketIOSocket socket, String text) {
        socket.to(socket.handshake().auth().path("room").asText("")).emit("shout", text);
        return true;
    }

    @OnEvent("where")
    int where() {
        return servers.currentWorker();
    }
}
