package io.quarkiverse.socketio.runtime.cluster.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;

/** The upgrade request's head as the worker reads it, byte for byte. */
class UpgradeRequestHeadTest {

    static String latin1(Buffer b) {
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theHeadIsTheRequestLineTheHeadersInOrderThenConnectionAndUpgrade() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Host", "example.org")
                .add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").add("Sec-WebSocket-Version", "13")
                .add("Cookie", "a=1").add("Cookie", "b=2").add("X-Forwarded-For", "10.0.0.7");
        assertEquals("GET /socket.io/?EIO=4&transport=websocket&sid=abc HTTP/1.1\r\n"
                + "Host: example.org\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Cookie: a=1\r\n"
                + "Cookie: b=2\r\n"
                + "X-Forwarded-For: 10.0.0.7\r\n"
                + "Connection: Upgrade\r\n"
                + "Upgrade: WebSocket\r\n"
                + "\r\n",
                latin1(UpgradeRequestHead.encode("/socket.io/?EIO=4&transport=websocket&sid=abc", headers, "WebSocket")));
    }

    @Test
    void theUriAndHeaderValuesPassByteForByte() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("X-Name", "caf\u00e9");
        assertEquals(
                "GET /ws?q=\u00e9t\u00e9 HTTP/1.1\r\nX-Name: caf\u00e9\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
                latin1(UpgradeRequestHead.encode("/ws?q=\u00e9t\u00e9", headers, "websocket")),
                "one byte per character, as the router's server read them");
        assertEquals("GET http://h?x=1 HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
                latin1(UpgradeRequestHead.encode("http://h?x=1", MultiMap.caseInsensitiveMultiMap(), "websocket")),
                "an absolute URI as it came");
    }

    /** What a client sends to the router, and what the worker then reads. */
    @Test
    void aClientsUpgradeRequestAsTheWorkerReadsIt() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Buffer> head = new CompletableFuture<>();
            HttpServer server = vertx.createHttpServer().requestHandler(req -> {
                head.complete(UpgradeRequestHead.of(req));
                req.response().setStatusCode(400).end();
            }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("GET /socket.io/?EIO=4&transport=websocket&x=\u00e9 HTTP/1.1\r\n"
                        + "Host: h:1\r\n"
                        + "Upgrade: websocket\r\n"
                        + "Connection: keep-alive, Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                        + "Content-Length: 0\r\n"
                        + "X-Name: caf\u00e9\r\n"
                        + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                assertEquals("GET /socket.io/?EIO=4&transport=websocket&x=\u00e9 HTTP/1.1\r\n"
                        + "Host: h:1\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n"
                        + "X-Name: caf\u00e9\r\n"
                        + "X-Forwarded-For: 127.0.0.1\r\n"
                        + "X-Forwarded-Proto: http\r\n"
                        + "X-Forwarded-Host: h:1\r\n"
                        + "Connection: Upgrade\r\n"
                        + "Upgrade: websocket\r\n"
                        + "\r\n", latin1(head.get(10, TimeUnit.SECONDS)));
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
