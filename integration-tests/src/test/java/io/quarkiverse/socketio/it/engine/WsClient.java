package io.quarkiverse.socketio.it.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A hand-driven Engine.IO v4 WebSocket client (java.net.http). Received messages are queued: text as {@link String},
 * binary as {@code byte[]}. With {@code autoPong}, each ping {@code 2} is answered with {@code 3} and not queued.
 */
final class WsClient implements AutoCloseable {

    static final Duration TIMEOUT = PollingClient.TIMEOUT;

    private final boolean autoPong;
    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    /** Close status code, or -1 when the connection failed. */
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final List<Long> pingNanos = new CopyOnWriteArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private volatile WebSocket socket;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    private WsClient(boolean autoPong) {
        this.autoPong = autoPong;
    }

    static URI wsUri(URI httpBase, String query) {
        return URI.create("ws://" + httpBase.getHost() + ":" + httpBase.getPort() + httpBase.getPath() + "?" + query);
    }

    static WsClient connect(URI httpBase, String query, boolean autoPong) {
        WsClient client = new WsClient(autoPong);
        try {
            client.socket = PollingClient.HTTP.newWebSocketBuilder()
                    .buildAsync(wsUri(httpBase, query), client.new Listener())
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("WebSocket connection failed: " + query, e);
        }
        return client;
    }

    /** Opens a session over WebSocket and reads its open packet. */
    static WsClient open(URI httpBase, boolean autoPong) {
        WsClient client = connect(httpBase, "EIO=4&transport=websocket", autoPong);
        String open = client.nextText();
        assertTrue(open.startsWith("0{"), "expected the open packet, got " + open);
        client.openPacket = open;
        return client;
    }

    String openPacket;

    String sid() {
        return new io.vertx.core.json.JsonObject(openPacket.substring(1)).getString("sid");
    }

    /** Tries a WebSocket handshake that must be refused; returns the HTTP status and body. */
    static String[] refused(URI httpBase, String query) {
        try {
            WebSocket ws = PollingClient.HTTP.newWebSocketBuilder()
                    .buildAsync(wsUri(httpBase, query), new WebSocket.Listener() {
                    }).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            ws.abort();
            return fail("WebSocket handshake accepted: " + query);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                Object body = h.getResponse().body();
                return new String[] { Integer.toString(h.getResponse().statusCode()),
                        body == null ? null : body.toString() };
            }
            throw new AssertionError("unexpected failure", e);
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    synchronized void send(String frame) {
        WebSocket ws = socket;
        sending = sending.thenCompose(x -> ws.sendText(frame, true));
    }

    synchronized void sendBinary(byte[] data) {
        WebSocket ws = socket;
        sending = sending.thenCompose(x -> ws.sendBinary(ByteBuffer.wrap(data), true));
    }

    /** Sends one text message as several frames (the first a text frame, then continuations). */
    synchronized void sendFragments(String... parts) {
        WebSocket ws = socket;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            sending = sending.thenCompose(x -> ws.sendText(part, last));
        }
    }

    /** The next message (text or byte[]), or fails after the timeout. */
    Object next(Duration timeout) {
        try {
            Object m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(m, "no message within " + timeout + (closed.isDone() ? " (closed: " + closed.join() + ")" : ""));
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    String nextText() {
        Object m = next(TIMEOUT);
        assertTrue(m instanceof String, () -> "expected a text message, got " + m);
        return (String) m;
    }

    byte[] nextBinary() {
        Object m = next(TIMEOUT);
        assertTrue(m instanceof byte[], () -> "expected a binary message, got " + m);
        return (byte[]) m;
    }

    /** Waits for the server to close the connection; its close status (-1: dropped). */
    int awaitClosed(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return fail("WebSocket still open after " + timeout);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    boolean isClosed() {
        return closed.isDone();
    }

    /** Asserts nothing arrived. */
    void assertNoMessage() {
        assertEquals(List.of(), List.copyOf(messages));
    }

    @Override
    public void close() {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                if (message.equals("2")) {
                    pingNanos.add(System.nanoTime());
                }
                if (autoPong && message.equals("2")) {
                    send("3");
                } else {
                    messages.add(message);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.write(bytes, 0, bytes.length);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
