package io.quarkiverse.socketio.it.engine;

import static io.quarkiverse.socketio.it.engine.PollingClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Two well-behaved clients per transport keep echoing, every message in order, while another client misbehaves in
 * every way the engine refuses.
 */
@QuarkusTest
class EngineBystandersTest {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    @TestHTTPResource("/engine.io/")
    URL url;

    URI base() throws Exception {
        return url.toURI();
    }

    @Test
    void wellBehavedClientsAreNotDisturbedByAMisbehavingOne() throws Exception {
        URI base = base();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> bystanders = new ArrayList<>();
        try {
            for (int c = 0; c < 2; c++) {
                String name = "poll" + c;
                bystanders.add(pool.submit(() -> {
                    PollingClient client = PollingClient.open(base);
                    client.startPolling();
                    int i = 0;
                    while (!stop.get() || i < 20) {
                        String message = "4" + name + "-" + i++;
                        client.post(message);
                        assertEquals(message, client.take());
                        if (i % 5 == 0) {
                            client.post("bAQID" + PollingClient.SEP + "4" + name + "-pair");
                            assertEquals("bAQID", client.take());
                            assertEquals("4" + name + "-pair", client.take());
                        }
                    }
                    client.stopPolling();
                    return i;
                }));
            }
            for (int c = 0; c < 2; c++) {
                String name = "ws" + c;
                bystanders.add(pool.submit(() -> {
                    try (WsClient ws = WsClient.open(base, true)) {
                        int i = 0;
                        while (!stop.get() || i < 20) {
                            String message = "4" + name + "-" + i++;
                            ws.send(message);
                            assertEquals(message, ws.nextText());
                            if (i % 5 == 0) {
                                byte[] bytes = { (byte) i, 1, 2 };
                                ws.sendBinary(bytes);
                                assertEquals(List.of(bytes[0], bytes[1], bytes[2]), toList(ws.nextBinary()));
                            }
                        }
                        assertFalse(ws.isClosed());
                        return i;
                    }
                }));
            }

            for (int round = 0; round < 2; round++) {
                misbehave(base);
            }
        } finally {
            stop.set(true);
            pool.shutdown();
        }
        for (Future<Integer> bystander : bystanders) {
            int exchanged = bystander.get(30, TimeUnit.SECONDS);
            assertTrue(exchanged >= 20, "messages exchanged: " + exchanged);
        }
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> list = new ArrayList<>();
        for (byte b : bytes) {
            list.add(b);
        }
        return list;
    }

    private static void misbehave(URI base) throws Exception {
        // refused before any session
        assertError(PollingClient.get(base, "EIO=3&transport=polling"), 5, "Unsupported protocol version");
        assertError(PollingClient.get(base, "EIO=4&transport=nope"), 0, "Transport unknown");
        assertError(PollingClient.post(base, "EIO=4&transport=polling", "4x"), 2, "Bad handshake method");
        for (int i = 0; i < 10; i++) {
            assertError(PollingClient.get(base, "EIO=4&transport=polling&sid=" + PollingClient.open(base).sid + "x"),
                    1, "Session ID unknown");
        }

        // undecodable payload
        PollingClient garbage = PollingClient.open(base);
        assertError(garbage.postRaw("\u0000garbage"), 3, "Bad request");
        assertError(garbage.getRaw(), 1, "Session ID unknown");

        // oversize POST
        PollingClient big = PollingClient.open(base);
        assertEquals(413, big.postRaw("4" + "x".repeat(1_200_000)).statusCode());
        assertError(big.getRaw(), 1, "Session ID unknown");

        // two GETs at once
        PollingClient twice = PollingClient.open(base);
        CompletableFuture<HttpResponse<String>> a = twice.getAsync();
        CompletableFuture<HttpResponse<String>> b = twice.getAsync();
        HttpResponse<String> ra = a.get(5, TimeUnit.SECONDS);
        HttpResponse<String> rb = b.get(5, TimeUnit.SECONDS);
        HttpResponse<String> refused = ra.statusCode() == 400 ? ra : rb;
        HttpResponse<String> pending = refused == ra ? rb : ra;
        assertError(refused, 3, "Bad request");
        assertEquals("1", pending.body());

        // a GET abandoned by its client
        PollingClient abandoned = PollingClient.open(base);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + base.getPath() + "?" + abandoned.query() + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        abandoned.awaitGone();

        // WebSocket: oversize message, garbage, ping from the client
        for (String bad : List.of("4" + "y".repeat(1_000_001), "garbage", "2")) {
            try (WsClient ws = WsClient.open(base, false)) {
                ws.send(bad);
                ws.awaitClosed(CLOSE_WAIT);
            }
        }
    }
}
