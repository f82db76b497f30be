package org.acme;

import jakarta.inject.Inject;

import io.quarkiverse.socketio.OnConnect;
import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.SocketIOSocket;
import io.smallrye.mutiny.Uni;

/**
 * The Socket.IO namespace {@code /greetings}. A browser connects with {@code io("/greetings")}.
 */
@SocketIO(namespace = "/greetings")
public class GreetingSocket {

    /** The acknowledgement of {@code greet}. */
    public record Greeting(String text, int connected, int servers) {
    }

    @Inject
    SocketIOServer io;

    @OnConnect
    void connected(SocketIOSocket socket) {
        socket.join("everyone");
    }

    /**
     * A client greets everyone: the others receive {@code greeted}, whichever worker serves them, and what this method
     * returns is the client's acknowledgement.
     */
    @OnEvent("greet")
    Uni<Greeting> greet(SocketIOSocket socket, String name) {
        socket.to("everyone").emit("greeted", name);
        Uni<Integer> connected = io.of("/greetings").fetchSockets().map(sockets -> sockets.size());
        Uni<Integer> servers = io.of("/greetings").serverCount();
        return Uni.combine().all().unis(connected, servers)
                .with((clients, workers) -> new Greeting("Hello " + name + "!", clients, workers));
    }
}
