package io.quarkiverse.socketio.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A hand-driven Engine.IO v4 client over HTTP long-polling (java.net.http): one GET pending at a time, pings answered
 * with pongs, every other packet queued for the test. The session counts as closed when a GET returns the close packet
 * {@code 1} or a request fails.
 */
public final class RawPollingClient implements AutoCloseable {

    // HTTP/1.1: no h2c upgrade header, which a server would take for a WebSocket upgrade
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final String SEPARATOR = "\u001e";

    private final String url;
    private final String handshake;
    private final BlockingQueue<String> packets = new LinkedBlockingQueue<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> responses = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private volatile boolean stopped;

    private RawPollingClient(String url, String handshake) {
        this.url = url;
        this.handshake = handshake;
    }

    /** Opens a session at {@code /socket.io/} and starts polling. */
    public static RawPollingClient open(URI httpBase) throws Exception {
        String base = "http://" + httpBase.getHost() + ":" + httpBase.getPort() + "/socket.io/?EIO=4&transport=polling";
        HttpResponse<String> open = HTTP.send(HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (open.statusCode() != 200 || !open.body().startsWith("0{\"sid\":\"")) {
            throw new AssertionError("bad handshake: " + open.statusCode() + " " + open.body());
        }
        String sid = open.body().substring(9, open.body().indexOf('"', 9));
        RawPollingClient client = new RawPollingClient(base + "&sid=" + sid, open.body());
        Thread poller = new Thread(client::poll, "raw-polling-" + sid);
        poller.setDaemon(true);
        poller.start();
        return client;
    }

    public String handshake() {
        return handshake;
    }

    /** POSTs packets (joined with the record separator); returns the response as {@code <status> <body>}. */
    public String post(String... packets) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(String.join(SEPARATOR, packets), StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return response.statusCode() + " " + response.body();
    }

    /** The next packet that is not a ping or a noop; fails after the timeout. */
    public String next(Duration timeout) throws InterruptedException {
        String packet = packets.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (packet == null) {
            throw new AssertionError("no packet within " + timeout + "; received " + received
                    + (closed.isDone() ? ", session closed (" + closed.getNow("") + ")" : ""));
        }
        return packet;
    }

    /** Waits until the session is closed; returns how. */
    public String awaitClosed(Duration timeout) throws Exception {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the session was still open after " + timeout + "; received " + received);
        }
    }

    /** Every packet received (pings and noops included), in order, for failure messages. */
    public List<String> received() {
        return received;
    }

    /** The body of every GET answered 200, in order: how the server grouped the packets into payloads. */
    public List<String> responses() {
        return responses;
    }

    @Override
    public void close() {
        stopped = true;
    }

    private void poll() {
        while (!stopped && !closed.isDone()) {
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (response.statusCode() != 200) {
                    closed.complete("GET answered " + response.statusCode() + " " + response.body());
                    return;
                }
                responses.add(response.body());
                for (String packet : response.body().split(SEPARATOR)) {
                    received.add(packet);
                    if ("2".equals(packet)) {
                        post("3");
                    } else if ("1".equals(packet)) {
                        closed.complete("close packet");
                    } else if (!"6".equals(packet)) {
                        packets.add(packet);
                    }
                }
            } catch (Exception e) {
                closed.complete("GET failed: " + e);
                return;
            }
        }
    }
}
