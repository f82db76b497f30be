package io.quarkiverse.socketio.it.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.json.JsonObject;

/**
 * A hand-driven Engine.IO v4 long-polling client (java.net.http, HTTP/1.1). It can answer the server's pings
 * ({@link #receive}) so that a session stays alive while a test runs.
 */
final class PollingClient {

    static final String SEP = "\u001e";
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();
    private static final AtomicInteger CACHE_BUSTER = new AtomicInteger();

    final URI base;
    final String sid;
    final String openPacket;
    final JsonObject handshake;
    final AtomicInteger pingsAnswered = new AtomicInteger();

    private PollingClient(URI base, String openPacket) {
        this.base = base;
        this.openPacket = openPacket;
        this.handshake = new JsonObject(openPacket.substring(1));
        this.sid = handshake.getString("sid");
    }

    /** Opens a session over polling; the handshake GET must answer 200 with exactly one open packet. */
    static PollingClient open(URI base) {
        HttpResponse<String> response = get(base, "EIO=4&transport=polling&t=" + CACHE_BUSTER.incrementAndGet());
        assertEquals(200, response.statusCode(), () -> "handshake failed: " + response.body());
        assertTrue(response.body().startsWith("0{") && !response.body().contains(SEP),
                () -> "expected one open packet, got " + response.body());
        return new PollingClient(base, response.body());
    }

    /** The query of this session's polling requests. */
    String query() {
        return "EIO=4&transport=polling&sid=" + sid + "&t=" + CACHE_BUSTER.incrementAndGet();
    }

    HttpResponse<String> getRaw() {
        return get(base, query());
    }

    CompletableFuture<HttpResponse<String>> getAsync() {
        return HTTP.sendAsync(request(base, query()).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postRaw(String payload) {
        return post(base, query(), payload);
    }

    /** Posts a payload, which must be taken ({@code 200 ok}). One POST at a time, as engine.io clients do. */
    synchronized void post(String payload) {
        HttpResponse<String> response = postRaw(payload);
        assertEquals(200, response.statusCode(), () -> "POST refused: " + response.body());
        assertEquals("ok", response.body());
    }

    /** One GET, which must answer 200; its packets. */
    List<String> poll() {
        HttpResponse<String> response = getRaw();
        assertEquals(200, response.statusCode(), () -> "GET refused: " + response.body());
        return packets(response.body());
    }

    /**
     * Polls until {@code count} packets other than ping and noop arrived, answering each ping with a pong.
     */
    List<String> receive(int count) {
        List<String> received = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (received.size() < count) {
            if (System.nanoTime() > deadline) {
                fail("expected " + count + " packets, got " + received);
            }
            for (String p : poll()) {
                if (p.equals("2")) {
                    pingsAnswered.incrementAndGet();
                    post("3");
                } else if (!p.equals("6")) {
                    received.add(p);
                }
            }
        }
        return received;
    }

    private final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    private volatile boolean polling;
    private volatile Throwable pollerFailure;

    /**
     * Polls continuously on a thread of its own, like an engine.io client: a GET is held by the server nearly all the
     * time, pings are answered at once, other packets (but noop) go to {@link #take()}.
     */
    void startPolling() {
        polling = true;
        Thread poller = new Thread(() -> {
            try {
                while (polling) {
                    HttpResponse<String> response = getRaw();
                    if (response.statusCode() != 200) {
                        throw new AssertionError("GET refused: " + response.statusCode() + " " + response.body());
                    }
                    for (String p : packets(response.body())) {
                        if (p.equals("2")) {
                            pingsAnswered.incrementAndGet();
                            post("3");
                        } else if (!p.equals("6")) {
                            inbox.add(p);
                        }
                    }
                }
            } catch (Throwable t) {
                if (polling) {
                    pollerFailure = t;
                }
            }
        }, "engine-poller-" + sid);
        poller.setDaemon(true);
        poller.start();
    }

    /** The next packet the poller received. */
    String take() {
        try {
            String p = inbox.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (p == null) {
                throw new AssertionError("no packet within " + TIMEOUT, pollerFailure);
            }
            return p;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Ends the session from the client ({@code 1}) and stops the poller. */
    void stopPolling() {
        if (pollerFailure != null) {
            throw new AssertionError("the poller failed", pollerFailure);
        }
        polling = false;
        post("1");
    }

    /**
     * Waits until the server has closed the session: a request on its sid answers 400 code 1. Probes with a noop POST
     * (answered at once while the session lives).
     */
    void awaitGone() {
        awaitGone(base, sid);
    }

    static void awaitGone(URI base, String sid) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            HttpResponse<String> response = post(base, "EIO=4&transport=polling&sid=" + sid, "6");
            if (response.statusCode() == 400 && response.body().contains("\"code\":1,")) {
                assertError(response, 1, "Session ID unknown");
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("session " + sid + " still open, last answer " + response.body());
            }
            pause(20);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static List<String> packets(String payload) {
        return Arrays.asList(payload.split(SEP, -1));
    }

    static URI uri(URI base, String query) {
        return URI.create(base.toString() + "?" + query);
    }

    static HttpRequest.Builder request(URI base, String query) {
        return HttpRequest.newBuilder(uri(base, query)).timeout(TIMEOUT);
    }

    static HttpResponse<String> get(URI base, String query) {
        return send(request(base, query).GET().build());
    }

    static HttpResponse<String> post(URI base, String query, String body) {
        return send(request(base, query).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("request failed: " + request, e);
        }
    }

    /** Asserts an Engine.IO error answer: 400, JSON {"code":N,"message":"..."}. */
    static void assertError(HttpResponse<String> response, int code, String message) {
        assertEquals(400, response.statusCode(), () -> "expected 400, got " + response.statusCode() + " "
                + response.body());
        assertEquals("{\"code\":" + code + ",\"message\":\"" + message + "\"}", response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
    }
}
