package io.quarkiverse.socketio.runtime.server;

import java.lang.reflect.Field;
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

import org.json.JSONArray;
import org.json.JSONObject;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import io.socket.parser.Packet;

/** An official Java client connected over WebSocket, recording the events it receives. */
public final class TestClient implements AutoCloseable {

    public static final Duration STEP = Duration.ofSeconds(5);

    public final Socket socket;
    public final String name;
    private final Map<String, List<Object[]>> received = new ConcurrentHashMap<>();
    public final CompletableFuture<String> disconnected = new CompletableFuture<>();
    /** the data of every EVENT packet received, in order, also those that came before the CONNECT reply */
    private final List<JSONArray> packets = Collections.synchronizedList(new ArrayList<>());
    /** the names of the events received, in order */
    private final List<String> sequence = Collections.synchronizedList(new ArrayList<>());
    /** the private session id of the CONNECT reply, with connection state recovery on */
    public volatile String pid;

    private TestClient(Socket socket, String name) {
        this.socket = socket;
        this.name = name;
    }

    /** Connects to a server's namespace; every event that asks for an ack is answered with {@code name}. */
    public static TestClient connect(int port, String namespace, String name) throws Exception {
        return connect(port, namespace, name, null);
    }

    /**
     * Connects with a CONNECT {@code auth} (for example the {@code pid} and {@code offset} of a session to recover:
     * this client does not recover by itself).
     */
    public static TestClient connect(int port, String namespace, String name, Map<String, String> auth)
            throws Exception {
        return connect(port, namespace, name, auth, name);
    }

    /** Connects with a CONNECT {@code auth} ({@code null}: none); every ack asked for is answered {@code ackAnswer}. */
    public static TestClient connect(int port, String namespace, String name, Map<String, String> auth,
            Object ackAnswer) throws Exception {
        IO.Options options = new IO.Options();
        options.forceNew = true;
        options.reconnection = false;
        options.timeout = STEP.toMillis();
        options.transports = new String[] { WebSocket.NAME };
        if (auth != null) {
            options.auth = auth;
        }
        Socket socket = IO.socket(URI.create("http://127.0.0.1:" + port + namespace), options);
        TestClient client = new TestClient(socket, name);
        socket.io().on(Manager.EVENT_PACKET, args -> {
            if (args.length > 0 && args[0] instanceof Packet<?> packet && namespace.equals(packet.nsp)) {
                if (packet.type == 0 && packet.data instanceof JSONObject reply) {
                    client.pid = reply.optString("pid", null);
                } else if ((packet.type == 2 || packet.type == 5) && packet.data instanceof JSONArray data) {
                    client.packets.add(data);
                }
            }
        });
        socket.onAnyIncoming(args -> {
            String event = (String) args[0];
            Object[] rest = Arrays.copyOfRange(args, 1, args.length);
            if (rest.length > 0 && rest[rest.length - 1] instanceof Ack ack) {
                ack.call(ackAnswer);
                rest = Arrays.copyOf(rest, rest.length - 1);
            }
            client.received.computeIfAbsent(event, e -> Collections.synchronizedList(new ArrayList<>())).add(rest);
            client.sequence.add(event);
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

    /**
     * The data ({@code [event, args...]}) of every EVENT packet received, in the order they came, those received
     * before the CONNECT reply included (the missed packets of a recovered session, which this client buffers and does
     * not show to {@link Socket#onAnyIncoming}).
     */
    public List<JSONArray> packets() {
        synchronized (packets) {
            return List.copyOf(packets);
        }
    }

    /** The names of the events received, in the order they came. */
    public List<String> sequence() {
        synchronized (sequence) {
            return List.copyOf(sequence);
        }
    }

    /**
     * Closes the transport under the socket, as a network failure would: the server sees {@code transport close}, a
     * reason that keeps the session for recovery (this client does not reconnect).
     */
    public void dropTransport() throws ReflectiveOperationException {
        Field engine = Manager.class.getDeclaredField("engine");
        engine.setAccessible(true);
        ((io.socket.engineio.client.Socket) engine.get(socket.io())).close();
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
