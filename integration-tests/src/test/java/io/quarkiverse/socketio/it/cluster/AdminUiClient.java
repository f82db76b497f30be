package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.it.support.JavaClients;
import io.socket.client.Socket;

/**
 * What the official Socket.IO Admin UI's client does on a server's admin namespace ({@code /admin}), spoken by the
 * official Java client: it logs in with {@code auth = {username, password}}, keeps the {@code server_stats} of every
 * server as they come, the first {@code session}, {@code config} and {@code all_sockets}, the notices
 * {@code socket_disconnected} and {@code room_joined}, and sends the UI's actions
 * ({@code join}, {@code leave}, {@code _disconnect}, {@code emit}) as the UI sends them.
 */
final class AdminUiClient implements AutoCloseable {

    static final String NAMESPACE = "/admin";

    private final String name;
    private final Socket socket;
    /** Each {@code server_stats} received, with when ({@link System#nanoTime()}). */
    private final List<Stats> stats = new ArrayList<>();
    final CompletableFuture<Object[]> session;
    final CompletableFuture<Object[]> config;
    final CompletableFuture<Object[]> allSockets;
    /** The notices of the development mode: {@code [nsp, id, reason, date]} each. */
    final List<JsonNode> socketsDisconnected;
    /** The notices of the development mode: {@code [nsp, room, id, date]} each. */
    final List<JsonNode> roomsJoined;

    record Stats(JsonNode stats, long at) {
    }

    private AdminUiClient(String name, Socket socket) {
        this.name = name;
        this.socket = socket;
        this.session = JavaClients.once(socket, "session");
        this.config = JavaClients.once(socket, "config");
        this.allSockets = JavaClients.once(socket, "all_sockets");
        this.socketsDisconnected = JavaClients.collect(socket, "socket_disconnected");
        this.roomsJoined = JavaClients.collect(socket, "room_joined");
        socket.on("server_stats", args -> {
            JsonNode one = JavaClients.normalize(args).path(0);
            synchronized (stats) {
                stats.add(new Stats(one, System.nanoTime()));
            }
        });
    }

    /** Logs in on {@code base}'s admin namespace, over WebSocket; fails unless it gets in. */
    static AdminUiClient login(String name, URI base, String username, String password) throws Exception {
        AdminUiClient client = new AdminUiClient(name, JavaClients.socket(base, NAMESPACE,
                JavaClients.ClientTransport.WEBSOCKET, Map.of("username", username, "password", password)));
        try {
            JavaClients.connect(client.socket);
        } catch (Throwable e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** The message of the {@code connect_error} a login with these credentials gets; fails if it gets in. */
    static String refusal(URI base, String username, String password) throws Exception {
        Socket socket = JavaClients.socket(base, NAMESPACE, JavaClients.ClientTransport.WEBSOCKET,
                Map.of("username", username, "password", password));
        try {
            CompletableFuture<Object[]> error = JavaClients.once(socket, Socket.EVENT_CONNECT_ERROR);
            CompletableFuture<Object[]> connected = JavaClients.once(socket, Socket.EVENT_CONNECT);
            socket.connect();
            CompletableFuture.anyOf(error, connected).get(JavaClients.STEP.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            if (connected.isDone()) {
                fail("the admin namespace of " + base + " let " + username + " in with the password " + password);
            }
            return JavaClients.normalize(error.get()).path(0).path("message").asText();
        } finally {
            socket.close();
        }
    }

    /** The distinct {@code serverId}s of the statistics received so far. */
    Set<String> serverIds() {
        Set<String> ids = new TreeSet<>();
        synchronized (stats) {
            stats.forEach(s -> ids.add(s.stats().path("serverId").asText()));
        }
        return ids;
    }

    /** The statistics received so far, in order. */
    List<Stats> stats() {
        synchronized (stats) {
            return List.copyOf(stats);
        }
    }

    /** The UI's action: {@code event(...args)} to the sockets of {@code nsp}, or of its room or socket {@code filter}. */
    void emitTo(String nsp, String filter, String event, Object... args) {
        Object[] all = new Object[args.length + 3];
        all[0] = nsp;
        all[1] = filter;
        all[2] = event;
        System.arraycopy(args, 0, all, 3, args.length);
        socket.emit("emit", all);
    }

    /** The UI's action: the sockets of {@code nsp} in {@code filter} (a room or a socket id) join {@code room}. */
    void join(String nsp, String room, String filter) {
        socket.emit("join", nsp, room, filter);
    }

    /** The UI's action: the sockets of {@code nsp} in {@code filter} (a room or a socket id) are disconnected. */
    void disconnect(String nsp, boolean close, String filter) {
        socket.emit("_disconnect", nsp, close, filter);
    }

    boolean connected() {
        return socket.connected();
    }

    @Override
    public String toString() {
        return name + "(" + socket.id() + ", stats from " + serverIds() + ")";
    }

    @Override
    public void close() {
        socket.close();
    }
}
