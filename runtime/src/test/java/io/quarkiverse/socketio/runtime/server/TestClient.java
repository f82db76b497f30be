package io.quarkiverse.socketio.runtime.server;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;

/** An official Java client connected over WebSocket, recording the events it receives. */
public final class TestClient implements AutoCloseable {

    public static final Duration STEP = Duration.ofSeconds(5);

    public final Socket socket;
    public final String name;
    private final Map<String, List<Object[]>> received = new ConcurrentHashMap<>();
    public final CompletableFuture<String> disconnected = new CompletableFuture<>();

    private TestClient(Socket socket, String name) {
        this.socket = socket;
        this.name = name;
    }

    /** Connects to a server's namespace; every event that asks for an ack is answered with {@code name}. */
    public static TestClient connect(int port, String namespace, String name) throws Exception {
        return connect(port, namespace, name, null, name);
    }

    /**
     * Connects to a server's namespace with the CONNECT packet's {@code auth} ({@code null}: none); every event that
     * asks for an ack is answered with {@code ackAnswer}.
     */
    public static TestClient connect(int port, String namespace, String name, Map<String, String> auth,
            Object ackAnswer) throws Exception {
        IO.Options options = new IO.Options();
        options.auth = auth;
        options.forceNew = true;
        options.reconnection = false;
        options.timeout = STEP.toMillis();
        options.transports = new String[] { WebSocket.NAME };
        Socket socket = IO.socket(URI.create("http://127.0.0.1:" + port + namespace), options);
        TestClient client = new TestClient(socket, name);
        socket.onAnyIncoming(args -> {
            String event = (String) args[0];
            Object[] rest = Arrays.copyOfRange(args, 1, args.length);
            if (rest.length > 0 && rest[rest.length - 1] instanceof Ack ack) {
                ack.call(ackAnswer);
                rest = Arrays.copyOf(rest, rest.length - 1);
            }
            client.received.computeIfAbsent(event, e -> Collections.synchronizedList(new ArrayList<>())).add(rest);
        });
        socket.on(Socket.EVENT_DISCONNECT,
                args -> client.disconnected.complete(String.valueOf(args.length > 0 ? args[0] : "")));
        CompletableFuture<Void> connected = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
        socket.once(Socket.EVENT_CONNECT_ERROR,
                args -> connected.completeExceptionally(new AssertionError("connect_error: " + Arrays.toString(args))));
        socket.connect();
        connected.get(STEP.toMillis(), TimeUnit.MILLISECONDS);
        return client;
    }

    public String id() {
        return socket.id();
    }

    /** The events received under this name, each as its arguments. */
    public List<Object[]> events(String event) {
        List<Object[]> list = received.get(event);
        return list == null ? List.of() : List.copyOf(list);
    }

    public int count(String event) {
        return events(event).size();
    }

    /** Waits until this client received the event at least {@code n} times. */
    public List<Object[]> await(String event, int n) throws InterruptedException {
        awaitCondition(() -> count(event) >= n, name + " receives " + n + " " + event);
        return events(event);
    }

    public static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + what + " within " + STEP);
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        socket.off();
        socket.disconnect();
        socket.close();
    }
}
