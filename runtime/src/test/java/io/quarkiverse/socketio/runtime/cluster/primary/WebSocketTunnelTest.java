package io.quarkiverse.socketio.runtime.cluster.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.runtime.server.TestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

/**
 * The piped WebSocket path against a scripted worker (a raw TCP server): what the worker reads, and how each kind of
 * answer reaches the client.
 */
class WebSocketTunnelTest {

    static final int MAX = 2048;

    Vertx vertx;
    NetServer worker;
    StickyRouter router;
    int routerPort;
    WebSocketClient client;
    /** The heads the worker read. */
    final LinkedBlockingQueue<String> heads = new LinkedBlockingQueue<>();
    /** What the worker does once it read a head: answers on the socket. */
    volatile BiConsumer<String, NetSocket> script;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        worker = await(vertx.createNetServer().connectHandler(socket -> {
            // one request per connection is read: its head, then the script answers
            Buffer in = Buffer.buffer();
            socket.handler(data -> {
                in.appendBuffer(data);
                String text = in.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    socket.handler(more -> {
                    });
                    String head = text.substring(0, end + 4);
                    heads.add(head);
                    script.accept(head, socket);
                }
            });
        }).listen(0, "127.0.0.1"));
        router = new StickyRouter(vertx, new RouterOptions().maxHandshakeResponseSize(MAX).eventLoops(1));
        router.addWorker(1, SocketAddress.inetSocketAddress(worker.actualPort(), "127.0.0.1"));
        routerPort = await(router.listen("127.0.0.1", 0));
        client = vertx.createWebSocketClient();
    }

    @AfterEach
    void stop() throws Exception {
        await(client.close());
        await(router.close());
        await(worker.close());
        await(vertx.close());
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String accept(String head) throws Exception {
        String key = null;
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
                key = line.substring(18).trim();
            }
        }
        byte[] sha1 = MessageDigest.getInstance("SHA-1")
                .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(sha1);
    }

    /** An unmasked text frame, as a server writes it. */
    static Buffer textFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        return Buffer.buffer().appendByte((byte) 0x81).appendByte((byte) payload.length).appendBytes(payload);
    }

    Future<WebSocket> connect(String uri) {
        return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(routerPort).setURI(uri)
                .addHeader("Sec-WebSocket-Extensions", "permessage-deflate").addHeader("X-Client", "c"));
    }

    UpgradeRejectedException refused(String uri) throws Exception {
        Throwable failure = connect(uri).toCompletionStage().toCompletableFuture().handle((ws, t) -> t)
                .get(10, TimeUnit.SECONDS);
        assertTrue(failure instanceof UpgradeRejectedException, String.valueOf(failure));
        return (UpgradeRejectedException) failure;
    }

    void countsGivenBack() throws InterruptedException {
        TestClient.awaitCondition(() -> Map.of(1, 0).equals(router.loads()), "the worker's count given back");
    }

    @Test
    void theOpenPacketWrittenWithThe101ReachesTheClientAndItsSidIsKnownFirst() throws Exception {
        script = (head, socket) -> {
            try {
                // the 101 and the first frame in one write: the frame comes in the same read as the head
                socket.write(Buffer.buffer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept(head) + "\r\n\r\n")
                        .appendBuffer(textFrame("0{\"sid\":\"tunnel-sid-0000000001\",\"upgrades\":[]}")));
                socket.handler(closeFrame -> socket.close()); // the client's close: the worker ends the connection
            } catch (Exception e) {
                socket.close();
            }
        };
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<Integer> ownerWhenSeen = new CompletableFuture<>();
        WebSocket ws = await(connect("/socket.io/?EIO=4&transport=websocket").map(socket -> {
            socket.textMessageHandler(text -> {
                ownerWhenSeen.complete(router.ownerOf(EngineOpenPacket.sid(text)));
                first.complete(text);
            });
            return socket;
        }));
        assertEquals("0{\"sid\":\"tunnel-sid-0000000001\",\"upgrades\":[]}", first.get(10, TimeUnit.SECONDS));
        assertEquals(1, ownerWhenSeen.get(), "registered before the client could see it");

        String head = heads.poll(10, TimeUnit.SECONDS);
        assertNotNull(head);
        assertTrue(head.startsWith("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"), head);
        assertTrue(head.endsWith("\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"), head);
        assertTrue(head.contains("\r\nX-Client: c\r\n"), head);
        assertTrue(head.contains("\r\nX-Forwarded-For: 127.0.0.1\r\n"), head);
        assertFalse(head.toLowerCase().contains("sec-websocket-extensions"), head);

        await(ws.close());
        TestClient.awaitCondition(() -> router.ownerOf("tunnel-sid-0000000001") == -1,
                "a session opened over the WebSocket ends with it");
        countsGivenBack();
    }

    @Test
    void aChunkedRefusalReachesTheClientWhole() throws Exception {
        script = (head, socket) -> socket.write("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n"
                + "Transfer-Encoding: chunked\r\nX-Why: origin\r\n\r\n4\r\nnot \r\n7\r\nallowed\r\n0\r\n\r\n");
        UpgradeRejectedException e = refused("/ws");
        assertEquals(403, e.getStatus());
        assertEquals("not allowed", e.getBody().toString());
        assertEquals("origin", e.getHeaders().get("X-Why"));
        assertEquals("11", e.getHeaders().get("Content-Length"));
        countsGivenBack();
    }

    @Test
    void aRefusalThatEndsWithTheConnectionReachesTheClient() throws Exception {
        script = (head, socket) -> socket.end(Buffer.buffer("HTTP/1.1 503 Service Unavailable\r\n\r\nbusy"));
        UpgradeRejectedException e = refused("/ws");
        assertEquals(503, e.getStatus());
        assertEquals("busy", e.getBody().toString());
        countsGivenBack();
    }

    @Test
    void anUnknownSidRefusalMakesTheRouterForgetTheSid() throws Exception {
        String open = "0{\"sid\":\"gone-sid\",\"upgrades\":[\"websocket\"]}";
        script = (head, socket) -> {
            if (head.contains("transport=polling")) { // the handshake: the router learns the sid from it
                socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: "
                        + open.length() + "\r\n\r\n" + open);
            } else { // the worker forgot the session meanwhile
                socket.write("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 41\r\n"
                        + "\r\n{\"code\":1,\"message\":\"Session ID unknown\"}");
            }
        };
        HttpClient http = vertx.createHttpClient();
        try {
            String body = await(http.request(HttpMethod.GET, routerPort, "127.0.0.1", "/socket.io/?EIO=4&transport=polling")
                    .compose(req -> req.send().compose(resp -> resp.body())).map(Buffer::toString));
            assertEquals(open, body);
        } finally {
            await(http.close());
        }
        assertEquals(1, router.ownerOf("gone-sid"));

        UpgradeRejectedException e = refused("/socket.io/?EIO=4&transport=websocket&sid=gone-sid");
        assertEquals(400, e.getStatus());
        assertEquals("{\"code\":1,\"message\":\"Session ID unknown\"}", e.getBody().toString());
        assertEquals(-1, router.ownerOf("gone-sid"), "forgotten: its next request gets 400 code 1 from the router");
        countsGivenBack();
    }

    @Test
    void anAnswerThatIsNotHttpOrTooLargeIs502() throws Exception {
        script = (head, socket) -> socket.write("SSH-2.0-OpenSSH_9.6\r\n\r\n");
        assertEquals(502, refused("/ws").getStatus());

        script = (head, socket) -> socket.write("HTTP/1.1 101 Switching Protocols\r\nX-Padding: "
                + "p".repeat(MAX) + "\r\n\r\n");
        assertEquals(502, refused("/ws").getStatus());

        script = (head, socket) -> socket.write("HTTP/1.1 400 Bad Request\r\nContent-Length: " + (MAX + 1)
                + "\r\n\r\n" + "b".repeat(MAX + 1));
        assertEquals(502, refused("/ws").getStatus());
        countsGivenBack();
    }
}
