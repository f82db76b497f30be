package io.quarkiverse.socketio.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A hand-driven Engine.IO v4 client over one WebSocket (java.net.http), to send Socket.IO packets exactly as written.
 * It answers the server's pings with pongs unless told not to; every other text frame is queued for the test. The
 * session counts as closed when the server closes the WebSocket or the connection drops.
 */
public final class RawSocketIOClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final AtomicInteger pongsSent = new AtomicInteger();
    private final boolean answerPings;
    private final long startNanos = System.nanoTime();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket webSocket;
    private volatile long closedAtNanos = -1;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
    private String handshake;

    private RawSocketIOClient(boolean answerPings) {
        this.answerPings = answerPings;
    }

    /** Opens an Engine.IO session over WebSocket at {@code /socket.io/} and reads its open packet. */
    public static RawSocketIOClient open(URI httpBase, boolean answerPings) throws Exception {
        RawSocketIOClient client = new RawSocketIOClient(answerPings);
        URI uri = URI.create("ws://" + httpBase.getHost() + ":" + httpBase.getPort()
                + "/socket.io/?EIO=4&transport=websocket");
        client.webSocket = HTTP.newWebSocketBuilder().buildAsync(uri, client.new Listener()).get(5, TimeUnit.SECONDS);
        client.handshake = client.next(Duration.ofSeconds(5));
        assertTrue(client.handshake.startsWith("0{"), "expected an Engine.IO open packet, got " + client.handshake);
        return client;
    }

    public static RawSocketIOClient open(URI httpBase) throws Exception {
        return open(httpBase, true);
    }

    /** The Engine.IO open packet, {@code 0{...}}. */
    public String handshake() {
        return handshake;
    }

    /** Sends one text frame. */
    public synchronized void send(String frame) {
        sending = sending.thenCompose(ignored -> webSocket.sendText(frame, true));
    }

    /**
     * Connects to a namespace ({@code 40} or {@code 40/nsp,}) and returns the socket id of the reply
     * {@code 40[/nsp,]{"sid":"..."}}.
     */
    public String connect(String namespace) throws Exception {
        String prefix = "/".equals(namespace) ? "40" : "40" + namespace + ",";
        send(prefix);
        String reply = next(Duration.ofSeconds(5), frame -> frame.startsWith(prefix) || frame.startsWith("44"));
        assertTrue(reply.startsWith(prefix + "{\"sid\":\""), "expected a CONNECT reply, got " + reply);
        return reply.substring(prefix.length() + "{\"sid\":\"".length(), reply.indexOf('"', prefix.length() + 8));
    }

    /** The next frame that is not a ping; fails the test after the timeout. */
    public String next(Duration timeout) throws InterruptedException {
        return next(timeout, frame -> true);
    }

    /** The next frame that matches, skipping the others; fails the test after the timeout. */
    public String next(Duration timeout, Predicate<String> matching) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String frame = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
            if (frame == null) {
                fail("no matching frame within " + timeout + "; received " + received + (closed.isDone()
                        ? ", session closed (" + closed.getNow("") + ")"
                        : ""));
            }
            if (matching.test(frame)) {
                return frame;
            }
        }
    }

    /** Waits until the server closes the session; returns how it closed. Fails the test after the timeout. */
    public String awaitClosed(Duration timeout) throws Exception {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            fail("the session was still open after " + timeout + "; received " + received);
            return null;
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Milliseconds from the start of the WebSocket handshake to the close, or -1 while open. */
    public long closedAfterMillis() {
        return closedAtNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(closedAtNanos - startNanos);
    }

    /** How many pings this client answered. */
    public int pongsSent() {
        return pongsSent.get();
    }

    /** Every frame received so far but pings, for failure messages. */
    public List<String> received() {
        return received;
    }

    @Override
    public void close() {
        WebSocket ws = webSocket;
        if (ws != null && !closed.isDone()) {
            ws.abort();
        }
    }

    private void closed(String how) {
        if (closedAtNanos < 0) {
            closedAtNanos = System.nanoTime();
        }
        closed.complete(how);
    }

    private final class Listener implements WebSocket.Listener {

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                if ("2".equals(frame)) {
                    if (answerPings) {
                        send("3");
                        pongsSent.incrementAndGet();
                    }
                } else {
                    received.add(frame);
                    frames.add(frame);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            String frame = "<binary " + data.remaining() + " bytes>";
            received.add(frame);
            frames.add(frame);
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed("closed by the server (" + statusCode + ")");
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed("connection lost (" + error + ")");
        }
    }
}
