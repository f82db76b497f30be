package io.quarkiverse.socketio.runtime.cluster.primary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.runtime.cluster.injvm.InJvmRelay;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.server.ClusterNode;
import io.quarkiverse.socketio.runtime.server.TestClient;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.Polling;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.net.SocketAddress;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * Two Socket.IO servers in one JVM joined by an {@link InJvmRelay}, a {@link StickyRouter} in front of both; clients
 * only talk to the router.
 */
class StickyRouterTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    static Vertx vertx;
    static InJvmRelay relay;
    static final List<ClusterNode> nodes = new ArrayList<>();
    static StickyRouter router;
    static int routerPort;
    static OkHttpClient okHttp;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        SocketIOConfig config = ClusterNode.defaultConfig();
        relay = new InJvmRelay();
        for (int i = 0; i < 2; i++) {
            AtomicInteger number = new AtomicInteger();
            ClusterNode node = ClusterNode.start(vertx, relay, config, Duration.ofSeconds(5),
                    r -> {
                        r.get("/who").handler(ctx -> ctx.end(String.valueOf(number.get())));
                        r.get("/ws-echo").handler(ctx -> ctx.request().toWebSocket().onSuccess(StickyRouterTest::echo));
                    });
            number.set(node.node());
            int label = node.node();
            node.server().onConnection(socket -> {
                socket.join("all");
                socket.on("echo", event -> {
                    List<Object> out = new ArrayList<>(event.args());
                    out.add(label);
                    if (event.hasAck()) {
                        event.ack(out.toArray());
                    } else {
                        socket.emit("echo", out.toArray());
                    }
                });
                socket.on("shout", event -> node.server().to("all").emit("shouted", event.arg(0)));
            });
            nodes.add(node);
        }
        router = new StickyRouter(vertx, new RouterOptions());
        for (ClusterNode node : nodes) {
            router.addWorker(node.node(), SocketAddress.inetSocketAddress(node.port(), "127.0.0.1"));
        }
        routerPort = await(router.listen("127.0.0.1", 0));
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(2000);
        dispatcher.setMaxRequestsPerHost(2000);
        okHttp = new OkHttpClient.Builder().dispatcher(dispatcher).readTimeout(1, TimeUnit.MINUTES).build();
    }

    /** A plain WebSocket endpoint of the workers: echoes each frame as it came, closes with 4321 on "bye". */
    static void echo(io.vertx.core.http.ServerWebSocket ws) {
        ws.frameHandler(f -> {
            if (f.type() == WebSocketFrameType.TEXT && f.isFinal() && "bye".equals(f.textData())) {
                ws.close((short) 4321, "bye from worker");
            } else if (f.type() == WebSocketFrameType.TEXT) {
                ws.writeFrame(WebSocketFrame.textFrame(f.textData(), f.isFinal()));
            } else if (f.type() == WebSocketFrameType.BINARY) {
                ws.writeFrame(WebSocketFrame.binaryFrame(f.binaryData().copy(), f.isFinal()));
            } else if (f.type() == WebSocketFrameType.CONTINUATION) {
                ws.writeFrame(WebSocketFrame.continuationFrame(f.binaryData().copy(), f.isFinal()));
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (okHttp != null) {
            okHttp.dispatcher().executorService().shutdown();
            okHttp.connectionPool().evictAll();
        }
        if (router != null) {
            await(router.close());
        }
        for (ClusterNode node : nodes) {
            node.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    static Socket client(String[] transports) {
        IO.Options options = new IO.Options();
        options.forceNew = true;
        options.reconnection = false;
        options.timeout = WAIT.toMillis();
        options.callFactory = okHttp;
        options.webSocketFactory = okHttp;
        if (transports != null) {
            options.transports = transports;
        }
        return IO.socket(URI.create("http://127.0.0.1:" + routerPort + "/"), options);
    }

    static int localCount(ClusterNode node) {
        return node.server().localSockets().size();
    }

    // ---------------------------------------------------------------- official clients

    @Test
    void twoHundredClientsConnectSpreadAndReceiveABroadcastOnce() throws Exception {
        int n = 200;
        int before0 = localCount(nodes.get(0));
        int before1 = localCount(nodes.get(1));
        List<Socket> sockets = new ArrayList<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        Map<Socket, AtomicInteger> shouted = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> connected = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Socket socket = client(null); // default transports: polling, then upgrade
                CompletableFuture<Void> done = new CompletableFuture<>();
                AtomicInteger count = new AtomicInteger();
                shouted.put(socket, count);
                socket.on("shouted", args -> count.incrementAndGet());
                socket.once(Socket.EVENT_CONNECT, args -> done.complete(null));
                socket.on(Socket.EVENT_CONNECT_ERROR, args -> {
                    errors.add("connect_error: " + Arrays.toString(args));
                    done.completeExceptionally(new AssertionError(Arrays.toString(args)));
                });
                socket.on(Socket.EVENT_DISCONNECT, args -> errors.add("disconnect: " + Arrays.toString(args)));
                sockets.add(socket);
                connected.add(done);
                socket.connect();
            }
            CompletableFuture.allOf(connected.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(),
                    TimeUnit.MILLISECONDS);
            assertEquals(List.of(), errors);
            int on0 = localCount(nodes.get(0)) - before0;
            int on1 = localCount(nodes.get(1)) - before1;
            assertEquals(n, on0 + on1);
            assertTrue(on0 > 0 && on1 > 0, "spread over both workers: " + on0 + " / " + on1);
            assertTrue(Math.abs(on0 - on1) <= n / 5, "least-connection keeps them balanced: " + on0 + " / " + on1);

            // every client upgrades to WebSocket through the router
            TestClient.awaitCondition(() -> nodes.stream().flatMap(node -> node.server().localSockets().stream())
                    .allMatch(s -> "websocket".equals(s.transport())), "every socket upgraded");

            sockets.get(0).emit("shout", "hello all");
            TestClient.awaitCondition(() -> shouted.values().stream().allMatch(c -> c.get() >= 1),
                    "every client receives the broadcast");
            Thread.sleep(300);
            assertTrue(shouted.values().stream().allMatch(c -> c.get() == 1), "exactly once");
            assertEquals(List.of(), errors);
        } finally {
            for (Socket socket : sockets) {
                socket.off();
                socket.close();
            }
        }
    }

    @Test
    void aLargePollingPostReachesTheWorkerWhole() throws Exception {
        Socket socket = client(new String[] { Polling.NAME });
        try {
            CompletableFuture<Void> connected = new CompletableFuture<>();
            socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
            socket.once(Socket.EVENT_CONNECT_ERROR,
                    args -> connected.completeExceptionally(new AssertionError(Arrays.toString(args))));
            socket.connect();
            connected.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            StringBuilder text = new StringBuilder(900 * 1024);
            Random random = new Random(3);
            while (text.length() < 900 * 1024) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            CompletableFuture<Object[]> answer = new CompletableFuture<>();
            socket.emit("echo", new Object[] { text.toString() }, (Ack) answer::complete);
            Object[] args = answer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(text.toString(), args[0]);
        } finally {
            socket.off();
            socket.close();
        }
    }

    // ---------------------------------------------------------------- raw HTTP

    record Answer(int status, String contentType, String body, HttpConnection connection) {
    }

    static Answer send(HttpClient http, HttpMethod method, String uri, String body) throws Exception {
        return await(http.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(routerPort)
                .setURI(uri)).compose(req -> {
                    HttpConnection connection = req.connection();
                    Future<io.vertx.core.http.HttpClientResponse> sent = body == null ? req.send()
                            : req.send(Buffer.buffer(body));
                    return sent.compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(),
                            resp.getHeader("Content-Type"), b.toString(), connection)));
                }));
    }

    static String polling(String sid) {
        return "/socket.io/?EIO=4&transport=polling" + (sid == null ? "" : "&sid=" + sid);
    }

    @Test
    void oneKeepAliveConnectionCarriesSessionsOfBothWorkers() throws Exception {
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(1));
        try {
            Map<Integer, String> sidByWorker = new java.util.TreeMap<>();
            Set<HttpConnection> connections = new HashSet<>();
            for (int i = 0; i < 20 && sidByWorker.size() < 2; i++) {
                Answer open = send(http, HttpMethod.GET, polling(null), null);
                connections.add(open.connection());
                assertEquals(200, open.status());
                String sid = EngineOpenPacket.sid(open.body());
                assertNotNull(sid, open.body());
                int owner = router.ownerOf(sid);
                assertTrue(owner > 0, "the router knows the owner as soon as the handshake answer arrives");
                sidByWorker.putIfAbsent(owner, sid);
            }
            assertEquals(2, sidByWorker.size(), "sessions on both workers");
            List<Map.Entry<Integer, String>> both = new ArrayList<>(sidByWorker.entrySet());
            for (Map.Entry<Integer, String> e : both) {
                Answer post = send(http, HttpMethod.POST, polling(e.getValue()), "40");
                connections.add(post.connection());
                assertEquals(200, post.status(), post.body());
            }
            for (Map.Entry<Integer, String> e : both) {
                Answer get = send(http, HttpMethod.GET, polling(e.getValue()), null);
                connections.add(get.connection());
                assertTrue(get.body().startsWith("40{"), get.body());
            }
            for (int round = 0; round < 3; round++) {
                for (Map.Entry<Integer, String> e : both) {
                    Answer post = send(http, HttpMethod.POST, polling(e.getValue()),
                            "42[\"echo\",\"r" + round + "-" + e.getKey() + "\"]");
                    connections.add(post.connection());
                    assertEquals(200, post.status(), post.body());
                }
                for (Map.Entry<Integer, String> e : both) {
                    Answer get = send(http, HttpMethod.GET, polling(e.getValue()), null);
                    connections.add(get.connection());
                    assertEquals("42[\"echo\",\"r" + round + "-" + e.getKey() + "\"," + e.getKey() + "]", get.body());
                }
            }
            assertEquals(1, connections.size(), "one keep-alive connection");
            for (Map.Entry<Integer, String> e : both) {
                send(http, HttpMethod.POST, polling(e.getValue()), "1");
            }
        } finally {
            await(http.close());
        }
    }

    @Test
    void unknownSidIsRefusedWithCode1() throws Exception {
        HttpClient http = vertx.createHttpClient();
        try {
            for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST)) {
                Answer answer = send(http, method, polling("no-such-sid"), method == HttpMethod.POST ? "4hi" : null);
                assertEquals(400, answer.status());
                assertEquals("application/json", answer.contentType());
                assertEquals("{\"code\":1,\"message\":\"Session ID unknown\"}", answer.body());
            }
        } finally {
            await(http.close());
        }
    }

    @Test
    void plainPathsAreProxiedToBothWorkers() throws Exception {
        HttpClient http = vertx.createHttpClient();
        try {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                Answer answer = send(http, HttpMethod.GET, "/who", null);
                assertEquals(200, answer.status());
                seen.add(answer.body());
            }
            Set<String> expected = new HashSet<>();
            nodes.forEach(node -> expected.add(String.valueOf(node.node())));
            assertEquals(expected, seen);
            assertEquals(404, send(http, HttpMethod.GET, "/nothing-here", null).status());
        } finally {
            await(http.close());
        }
    }

    // ---------------------------------------------------------------- raw WebSocket

    @Test
    void webSocketFramesSentAtOnceArriveAndBinaryCrossesByteForByte() throws Exception {
        WebSocketClient client = vertx.createWebSocketClient();
        byte[] everyByte = new byte[256];
        for (int i = 0; i < 256; i++) {
            everyByte[i] = (byte) i;
        }
        try {
            Set<Integer> owners = new HashSet<>();
            for (int round = 0; round < 20; round++) {
                LinkedBlockingQueue<WebSocketFrame> frames = new LinkedBlockingQueue<>();
                WebSocket ws = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
                        .setPort(routerPort).setURI("/socket.io/?EIO=4&transport=websocket")).map(socket -> {
                            socket.frameHandler(f -> frames.add(f.type() == WebSocketFrameType.BINARY
                                    ? WebSocketFrame.binaryFrame(f.binaryData().copy(), f.isFinal())
                                    : WebSocketFrame.textFrame(f.textData(), f.isFinal())));
                            // sent at once, before the open packet was even read
                            socket.writeTextMessage("40");
                            socket.writeTextMessage("451-[\"echo\",{\"_placeholder\":true,\"num\":0}]");
                            socket.writeBinaryMessage(Buffer.buffer(everyByte));
                            return socket;
                        }));
                try {
                    WebSocketFrame open = frames.poll(5, TimeUnit.SECONDS);
                    assertNotNull(open, "open packet");
                    String sid = EngineOpenPacket.sid(open.textData());
                    assertNotNull(sid, open.textData());
                    int owner = router.ownerOf(sid);
                    assertTrue(owner > 0);
                    owners.add(owner);
                    WebSocketFrame connect = frames.poll(5, TimeUnit.SECONDS);
                    assertNotNull(connect, "connect packet");
                    assertTrue(connect.textData().startsWith("40{"), connect.textData());
                    WebSocketFrame echo = frames.poll(5, TimeUnit.SECONDS);
                    assertNotNull(echo, "echo packet");
                    assertEquals("451-[\"echo\",{\"_placeholder\":true,\"num\":0}," + owner + "]", echo.textData());
                    WebSocketFrame attachment = frames.poll(5, TimeUnit.SECONDS);
                    assertNotNull(attachment, "attachment");
                    assertTrue(attachment.isBinary());
                    assertArrayEquals(everyByte, attachment.binaryData().getBytes());
                } finally {
                    await(ws.close());
                }
            }
            assertEquals(2, owners.size(), "WebSocket handshakes go to both workers");
            TestClient.awaitCondition(() -> router.loads().values().stream().allMatch(l -> l < 20),
                    "closed WebSocket sessions are forgotten");
        } finally {
            await(client.close());
        }
    }

    @Test
    void anUnknownSidWebSocketIsRefused() throws Exception {
        WebSocketClient client = vertx.createWebSocketClient();
        try {
            Throwable failure = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(routerPort)
                    .setURI("/socket.io/?EIO=4&transport=websocket&sid=nope")).toCompletionStage()
                    .toCompletableFuture().handle((ws, t) -> t).get(10, TimeUnit.SECONDS);
            assertNotNull(failure);
            assertTrue(failure instanceof io.vertx.core.http.UpgradeRejectedException, failure.toString());
            assertEquals(400, ((io.vertx.core.http.UpgradeRejectedException) failure).getStatus());
        } finally {
            await(client.close());
        }
    }

    @Test
    void plainWebSocketsKeepFragmentsAndCloseCodes() throws Exception {
        WebSocketClient client = vertx.createWebSocketClient();
        try {
            LinkedBlockingQueue<WebSocketFrame> frames = new LinkedBlockingQueue<>();
            CompletableFuture<String> closed = new CompletableFuture<>();
            WebSocket ws = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(routerPort)
                    .setURI("/ws-echo")).map(socket -> {
                        socket.frameHandler(f -> {
                            if (f.type() == WebSocketFrameType.TEXT || f.type() == WebSocketFrameType.BINARY
                                    || f.type() == WebSocketFrameType.CONTINUATION) {
                                frames.add(f);
                            }
                        });
                        socket.closeHandler(v -> closed.complete(socket.closeStatusCode() + " " + socket.closeReason()));
                        socket.writeFrame(WebSocketFrame.textFrame("hel", false));
                        socket.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("lo"), true));
                        socket.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[] { 0, 1 }), false));
                        socket.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[] { (byte) 0xFF }),
                                false));
                        socket.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[] { 2 }), true));
                        socket.writeTextMessage("bye");
                        return socket;
                    }));
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                WebSocketFrame f = frames.poll(5, TimeUnit.SECONDS);
                assertNotNull(f, "frame " + i + " after " + seen);
                seen.add(f.type() + (f.isFinal() ? "!" : "") + ":" + Arrays.toString(f.binaryData().getBytes()));
            }
            assertEquals(List.of("TEXT:[104, 101, 108]", "CONTINUATION!:[108, 111]", "BINARY:[0, 1]",
                    "CONTINUATION:[-1]", "CONTINUATION!:[2]"), seen);
            assertEquals("4321 bye from worker", closed.get(5, TimeUnit.SECONDS));
            assertTrue(ws.isClosed());
        } finally {
            await(client.close());
        }
    }
}
