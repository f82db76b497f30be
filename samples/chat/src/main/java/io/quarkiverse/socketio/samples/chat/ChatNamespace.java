package io.quarkiverse.socketio.samples.chat;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkiverse.socketio.ConnectionRejectedException;
import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.Middleware;
import io.quarkiverse.socketio.OnConnect;
import io.quarkiverse.socketio.OnDisconnect;
import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * The chat of the demo page ({@code index.html}), on the namespace {@code /chat}. A client connects with
 * {@code io("/chat", { auth: { name: "Ann", room: "lobby" } })}; the room is optional ({@code lobby} by default).
 * <p>
 * The server sends {@code members} (the room's members, to the new member), {@code joined} and {@code left} (to the
 * others), {@code message} and {@code typing} (to the room, the sender excluded); the client sends {@code message}
 * (acknowledged with a {@link Receipt}) and {@code typing}.
 */
@SocketIO(namespace = "/chat")
public class ChatNamespace {

    /** What a client sends with {@code message}. */
    public record ChatMessage(String text) {
    }

    /** The acknowledgement of a message: the id the server gave it, and when it got it (epoch milliseconds). */
    public record Receipt(String id, long at) {
    }

    /** A message as the other members of the room receive it. */
    public record Message(String id, String from, String text, long at) {
    }

    /** A member of a room: the payload of {@code joined}, {@code left} and {@code typing}, and of {@code members}. */
    public record Member(String id, String name, String room) {
    }

    @Inject
    SocketIOServer io;

    /** Lets in only clients with a name: {@code auth.name}, 1 to 32 characters. */
    @Middleware
    void requireName(Handshake handshake) {
        String name = auth(handshake, "name", "");
        if (name.isEmpty() || name.length() > 32) {
            throw new ConnectionRejectedException("name required", Map.of("field", "name"));
        }
    }

    @OnConnect
    Uni<Void> join(SocketIOSocket socket, Handshake handshake) {
        Member member = new Member(socket.id(), auth(handshake, "name", ""), auth(handshake, "room", "lobby"));
        socket.data().put("name", member.name());
        socket.data().put("room", member.room());
        socket.join(member.room());
        socket.to(member.room()).emit("joined", member);
        Log.infof("%s joined %s", member.name(), member.room());

        // the room's members wherever they are connected (on every node of a cluster), the new one included
        return io.of("/chat").in(member.room()).fetchSockets()
                .invoke(sockets -> socket.emit("members", sockets.stream().map(s -> member(s.id(), s.data())).toList()))
                .replaceWithVoid();
    }

    /** A message to the room; what the method returns is the sender's acknowledgement. */
    @OnEvent("message")
    Receipt message(SocketIOSocket socket, ChatMessage message) {
        Receipt receipt = new Receipt(UUID.randomUUID().toString(), System.currentTimeMillis());
        Member sender = member(socket);
        socket.to(sender.room()).emit("message", new Message(receipt.id(), sender.name(), message.text(), receipt.at()));
        return receipt;
    }

    /** "Ann is typing": volatile, as it is worthless once late. */
    @OnEvent("typing")
    void typing(SocketIOSocket socket) {
        Member member = member(socket);
        socket.to(member.room()).asVolatile().emit("typing", member);
    }

    @OnDisconnect
    void leave(SocketIOSocket socket, DisconnectReason reason) {
        Member member = member(socket);
        socket.to(member.room()).emit("left", member);
        Log.infof("%s left %s: %s", member.name(), member.room(), reason);
    }

    private static Member member(SocketIOSocket socket) {
        return member(socket.id(), socket.data());
    }

    private static Member member(String id, Map<String, Object> data) {
        return new Member(id, (String) data.get("name"), (String) data.get("room"));
    }

    /** A text field of the client's {@code auth} object, trimmed; the fallback when it is absent or blank. */
    private static String auth(Handshake handshake, String field, String fallback) {
        String value = handshake.auth().path(field).asText("").strip();
        return value.isEmpty() ? fallback : value;
    }
}
