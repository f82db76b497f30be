package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.json.JSONObject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.quarkiverse.socketio.it.support.JavaClients;
import io.socket.client.Ack;
import io.socket.client.Socket;

/**
 * A client of the namespace {@code /cluster} of one of the servers of the tests of several hosts, whichever its kind:
 * the official Java client ({@link Java}), or one official JavaScript client of a {@link NodeClients} process
 * ({@link Js}). It connects with {@code auth = {name, rooms: room, room}} (the Java fixture reads {@code rooms}, the
 * Node peer {@code room}), keeps every event it receives, and answers {@code question} with {@code {name}}.
 */
abstract class HostClient implements AutoCloseable {

    /** Where {@link #worker()} is not known: a client of the Node server. */
    static final int NODE_WORKER = 0;

    final String name;
    /** The server it is connected to: a host's name, or {@code "node"} */
    final String server;
    final String room;
    private final List<Event> events = new ArrayList<>();
    private final List<String> disconnects = new ArrayList<>();

    /** An event received: its name and its arguments (binary as {@code {"$binary"}}). */
    record Event(String name, ArrayNode args) {
    }

    HostClient(String name, String server, String room) {
        this.name = name;
        this.server = server;
        this.room = room;
    }

    /** The socket's id (the client's view, which is the server's). */
    abstract String id();

    /** The worker index of the Java host serving it (from its {@code welcome}); {@link #NODE_WORKER} on Node. */
    abstract int worker();

    /** The pid of the process serving it, 0 on Node. */
    abstract long pid();

    /** Emits {@code event} with one argument and waits (at most 10 s) for the ack: its first argument. */
    abstract JsonNode ack(String event, JsonNode arg) throws Exception;

    /** Emits {@code event} with one argument, without ack. */
    abstract void emit(String event, JsonNode arg) throws Exception;

    /** Where it is: {@code A1} (host A, worker 1), {@code node}. */
    String where() {
        return worker() == NODE_WORKER ? server : server + worker();
    }

    final void received(String event, ArrayNode args) {
        synchronized (events) {
            events.add(new Event(event, args));
        }
    }

    final void disconnected(String reason) {
        synchronized (disconnects) {
            disconnects.add(reason);
        }
    }

    /** Each {@code event} received so far, in order. */
    List<Event> events(String event) {
        synchronized (events) {
            return events.stream().filter(e -> e.name().equals(event)).toList();
        }
    }

    /** The events of any name it received from the {@code index}-th on (0 for all). */
    List<Event> eventsFrom(int index) {
        synchronized (events) {
            return List.copyOf(events.subList(Math.min(index, events.size()), events.size()));
        }
    }

    /** How many events of any name it received so far. */
    int eventCount() {
        synchronized (events) {
            return events.size();
        }
    }

    /** The first argument, as text, of each {@code event} received so far, in order. */
    List<String> got(String event) {
        List<String> texts = new ArrayList<>();
        synchronized (events) {
            for (Event e : events) {
                if (e.name().equals(event)) {
                    texts.add(e.args().path(0).asText());
                }
            }
        }
        return texts;
    }

    /** How many {@code event} with {@code text} as first argument it received. */
    long count(String event, String text) {
        return got(event).stream().filter(text::equals).count();
    }

    List<String> disconnects() {
        synchronized (disconnects) {
            return List.copyOf(disconnects);
        }
    }

    @Override
    public String toString() {
        return name + "@" + where() + "(" + id() + ")";
    }

    static <T> T await(CompletableFuture<T> future, String what) throws Exception {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no " + what + " within 10 s");
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The official Java client, over WebSocket, without reconnection. */
    static final class Java extends HostClient {

        private final Socket socket;
        private volatile JsonNode welcome;

        private Java(String name, String server, String room, Socket socket) {
            super(name, server, room);
            this.socket = socket;
        }

        /** Connects to {@code base}; on a Java host, waits for the fixture's {@code welcome} too. */
        static Java connect(String name, String server, URI base, String room) throws Exception {
            Socket socket = JavaClients.socket(base, ClusterFixture.NAMESPACE, JavaClients.ClientTransport.WEBSOCKET,
                    Map.of("name", name, "rooms", room, "room", room));
            Java client = new Java(name, server, room, socket);
            CompletableFuture<Object[]> welcome = JavaClients.once(socket, "welcome");
            socket.onAnyIncoming(args -> {
                Object[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
                client.received(String.valueOf(args[0]), JavaClients.normalize(rest));
            });
            socket.on("question", args -> {
                if (args.length > 0 && args[args.length - 1] instanceof Ack ack) {
                    ack.call(new JSONObject(Map.of("name", name)));
                }
            });
            socket.on(Socket.EVENT_DISCONNECT, args -> client.disconnected(args.length > 0 ? String.valueOf(args[0])
                    : "?"));
            JavaClients.connect(socket);
            if (!server.equals("node")) {
                client.welcome = JavaClients.normalize(await(welcome, name + "'s welcome")).path(0);
            }
            return client;
        }

        @Override
        String id() {
            return socket.id();
        }

        @Override
        int worker() {
            return welcome == null ? NODE_WORKER : welcome.path("worker").asInt();
        }

        @Override
        long pid() {
            return welcome == null ? 0 : welcome.path("pid").asLong();
        }

        @Override
        JsonNode ack(String event, JsonNode arg) throws Exception {
            CompletableFuture<Object[]> answer = JavaClients.emitWithAck(socket, event, toJson(arg));
            return JavaClients.normalize(await(answer, name + "'s ack of " + event)).path(0);
        }

        @Override
        void emit(String event, JsonNode arg) {
            socket.emit(event, toJson(arg));
        }

        private static Object toJson(JsonNode arg) {
            try {
                if (arg.isObject()) {
                    return new JSONObject(arg.toString());
                }
                if (arg.isArray()) {
                    return new org.json.JSONArray(arg.toString());
                }
            } catch (org.json.JSONException e) {
                throw new IllegalArgumentException(arg.toString(), e);
            }
            return arg.isNumber() ? arg.numberValue() : arg.asText();
        }

        boolean connected() {
            return socket.connected();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** One official JavaScript client of a {@code redis-client.mjs} process. */
    static final class Js extends HostClient {

        /**
         * One {@code connect} of the client: the socket id it got, whether the server recovered its session, when
         * ({@link System#nanoTime()} as the line was read) and how many events it had received before.
         */
        record Connection(String id, boolean recovered, long at, int eventsBefore) {
        }

        /** One {@code disconnect} of the client: its reason, when, and how many events it had received before. */
        record Disconnection(String reason, long at, int eventsBefore) {
        }

        private final NodeClients process;
        private final int index;
        private final List<Connection> connections = new ArrayList<>();
        private final List<Disconnection> disconnections = new ArrayList<>();
        private final List<String> connectErrors = new ArrayList<>();
        volatile String id;
        volatile JsonNode welcome;

        Js(String name, String server, String room, NodeClients process, int index) {
            super(name, server, room);
            this.process = process;
            this.index = index;
        }

        void connected(String id, boolean recovered) {
            Connection connection = new Connection(id, recovered, System.nanoTime(), eventCount());
            synchronized (connections) {
                connections.add(connection);
            }
        }

        void lostConnection(String reason) {
            Disconnection disconnection = new Disconnection(reason, System.nanoTime(), eventCount());
            synchronized (disconnections) {
                disconnections.add(disconnection);
            }
            disconnected(reason);
        }

        /** Every disconnection so far, in order. */
        List<Disconnection> disconnections() {
            synchronized (disconnections) {
                return List.copyOf(disconnections);
            }
        }

        void connectError(String message) {
            synchronized (connectErrors) {
                connectErrors.add(message);
            }
        }

        /** Every connection so far, the first one included, in order. */
        List<Connection> connections() {
            synchronized (connections) {
                return List.copyOf(connections);
            }
        }

        /** The messages of the failed connection attempts so far. */
        List<String> connectErrors() {
            synchronized (connectErrors) {
                return List.copyOf(connectErrors);
            }
        }

        @Override
        String id() {
            return id;
        }

        @Override
        int worker() {
            return welcome == null ? NODE_WORKER : welcome.path("worker").asInt();
        }

        @Override
        long pid() {
            return welcome == null ? 0 : welcome.path("pid").asLong();
        }

        @Override
        JsonNode ack(String event, JsonNode arg) throws Exception {
            JsonNode answer = process.emit(index, event, arg, true);
            if (!answer.path("ok").asBoolean()) {
                fail(name + ": no ack of " + event + ": " + answer);
            }
            return answer.path("ack").path(0);
        }

        @Override
        void emit(String event, JsonNode arg) throws Exception {
            process.emit(index, event, arg, false);
        }

        @Override
        public void close() {
            // the process closes its clients
        }
    }
}
