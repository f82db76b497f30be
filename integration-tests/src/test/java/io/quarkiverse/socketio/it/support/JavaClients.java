package io.quarkiverse.socketio.it.support;

import java.lang.reflect.Field;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.json.JSONArray;
import org.json.JSONObject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import io.socket.engineio.client.Transport;
import io.socket.engineio.client.transports.Polling;
import io.socket.engineio.client.transports.WebSocket;

/**
 * Helpers for the official Java client ({@code io.socket:socket.io-client} 2.1.x): one connection per socket, no
 * reconnection, bounded waits, and its org.json values turned into Jackson trees with binary as
 * {@code {"$binary":"<base64>"}} (the same form the JavaScript scenarios print).
 */
public final class JavaClients {

    /** How long one step (a connection, an event, an ack) may take. */
    public static final Duration STEP = Duration.ofSeconds(5);

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private JavaClients() {
    }

    /** The transport settings of the client. */
    public enum ClientTransport {
        POLLING(Polling.NAME),
        WEBSOCKET(WebSocket.NAME),
        /** Polling first, then the upgrade to WebSocket. */
        DEFAULT();

        private final String[] transports;

        ClientTransport(String... transports) {
            this.transports = transports.length == 0 ? null : transports;
        }

        /** The transport the connection must end up on. */
        public String expectedFinalTransport() {
            return this == POLLING ? Polling.NAME : WebSocket.NAME;
        }
    }

    /** A client socket for a namespace, not connected yet: add listeners, then {@link #connect(Socket)}. */
    public static Socket socket(URI base, String namespace, ClientTransport transport, Map<String, String> auth) {
        IO.Options options = new IO.Options();
        options.forceNew = true;
        options.reconnection = false;
        options.timeout = STEP.toMillis();
        options.transports = transport.transports;
        if (auth != null) {
            options.auth = auth;
        }
        URI uri = URI.create("http://" + base.getHost() + ":" + base.getPort() + namespace);
        return IO.socket(uri, options);
    }

    /** Connects and waits for {@code connect}; fails on {@code connect_error}. */
    public static Socket connect(Socket socket) throws Exception {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
        socket.once(Socket.EVENT_CONNECT_ERROR,
                args -> connected.completeExceptionally(new AssertionError("connect_error: " + Arrays.toString(args))));
        socket.connect();
        await(connected, "connect");
        return socket;
    }

    /** The arguments of the next occurrence of an event. Register it before what triggers the event. */
    public static CompletableFuture<Object[]> once(Socket socket, String event) {
        CompletableFuture<Object[]> future = new CompletableFuture<>();
        socket.once(event, future::complete);
        return future;
    }

    /** Emits an event with an ack; the future completes with the ack's arguments. */
    public static CompletableFuture<Object[]> emitWithAck(Socket socket, String event, Object... args) {
        CompletableFuture<Object[]> future = new CompletableFuture<>();
        socket.emit(event, args, (Ack) future::complete);
        return future;
    }

    /** Waits for a future, at most {@link #STEP}, saying what was awaited when it fails. */
    public static <T> T await(CompletableFuture<T> future, String what) throws Exception {
        try {
            return future.get(STEP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no " + what + " within " + STEP);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Waits, at most {@link #STEP}, until the condition holds. */
    public static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + what + " within " + STEP);
            }
            Thread.sleep(10);
        }
    }

    /** The client's Engine.IO socket (a package-private field of the client's Manager). */
    public static io.socket.engineio.client.Socket engine(Socket socket) {
        return (io.socket.engineio.client.Socket) field(Manager.class, "engine", socket.io());
    }

    /** The name of the transport the connection uses now. */
    public static String transportName(Socket socket) {
        io.socket.engineio.client.Socket engine = engine(socket);
        Transport transport = engine == null ? null
                : (Transport) field(io.socket.engineio.client.Socket.class, "transport", engine);
        return transport == null ? null : transport.name;
    }

    private static Object field(Class<?> type, String name, Object instance) {
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(instance);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Arguments as a JSON array, binary as {@code {"$binary":"<base64>"}}; a trailing {@link Ack} is left out. */
    public static ArrayNode normalize(Object[] args) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (Object arg : args) {
            if (!(arg instanceof Ack)) {
                array.add(normalize(arg));
            }
        }
        return array;
    }

    /** An org.json value (or byte[]) as JSON, binary as {@code {"$binary":"<base64>"}}. */
    public static JsonNode normalize(Object value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (value == null || value == JSONObject.NULL) {
            return nodes.nullNode();
        } else if (value instanceof byte[] bytes) {
            return nodes.objectNode().put("$binary", Base64.getEncoder().encodeToString(bytes));
        } else if (value instanceof JSONObject object) {
            ObjectNode node = nodes.objectNode();
            for (Iterator<?> keys = object.keys(); keys.hasNext();) {
                String key = (String) keys.next();
                node.set(key, normalize(object.opt(key)));
            }
            return node;
        } else if (value instanceof JSONArray array) {
            ArrayNode node = nodes.arrayNode();
            for (int i = 0; i < array.length(); i++) {
                node.add(normalize(array.opt(i)));
            }
            return node;
        } else if (value instanceof String text) {
            return nodes.textNode(text);
        } else if (value instanceof Boolean bool) {
            return nodes.booleanNode(bool);
        } else if (value instanceof Integer || value instanceof Long) {
            return nodes.numberNode(((Number) value).longValue()).canConvertToInt()
                    ? nodes.numberNode(((Number) value).intValue())
                    : nodes.numberNode(((Number) value).longValue());
        } else if (value instanceof Number number) {
            return nodes.numberNode(number.doubleValue());
        }
        throw new IllegalArgumentException("unexpected value " + value.getClass() + ": " + value);
    }

    /** Parses JSON text (expected values of the tests). */
    public static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** Collects every occurrence of an event, in order. */
    public static List<JsonNode> collect(Socket socket, String event) {
        List<JsonNode> events = java.util.Collections.synchronizedList(new ArrayList<>());
        socket.on(event, args -> events.add(normalize(args)));
        return events;
    }
}
