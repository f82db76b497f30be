package io.quarkiverse.socketio.runtime.adapter.redis;

import static io.quarkiverse.socketio.runtime.adapter.redis.RedisMonitor.named;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.runtime.adapter.redis.RedisMonitor.Command;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessageCodec;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig.AdapterKind;
import io.quarkiverse.socketio.runtime.server.TestClient;
import io.vertx.core.Vertx;

/**
 * What two Java servers of the classic adapter send to Redis is what two Node servers sent in the golden captures of
 * {@code src/test/resources/redis-wire/classic} (default settings), {@code classic-specific}
 * ({@code publish-on-specific-response-channel=true}, overlaying the default captures) and {@code classic/key-prefix-*}
 * ({@code key-prefix=myapp}): the same operations on a fixture like the captures' (server A with client A1 in room r1;
 * server B with B1 in r1, B2 in r2, B3 in dc, and one client of {@code /chat}), seen through Redis's MONITOR as the
 * captures were.
 * <p>
 * Each message Node sent has a Java twin: the same command, to the same channel, in the same encoding (JSON text or
 * MessagePack, told by the first byte as Node's receivers tell it), decoding to the same tree, modulo the random ids
 * (uids, request ids, socket ids: each replaced by the role of its owner), the handshake's headers and times, and a
 * port. A requester's message (broadcasts and requests, which carry nothing of another client's) is moreover the very
 * bytes Node wrote, once Node's ids are put in place of Java's. The PSUBSCRIBE, SUBSCRIBE, PUNSUBSCRIBE and UNSUBSCRIBE
 * commands are Node's, command by command and in order. A capture without a Java step fails the test.
 * <p>
 * Where Java's wire differs, on purpose, and is checked to differ only so:
 * <ul>
 * <li>an answer (fetchSockets, serverSideEmit, a client count) carries the responder's {@code uid} as one more member,
 * so that a requester does not count one server twice (Node reads neither);</li>
 * <li>a Java server publishes its heartbeat {@code {"uid":..,"type":1001}} on the request channel when it starts and
 * every {@code heartbeat-interval}, and a farewell {@code {"uid":..,"type":1002}} there before it unsubscribes (Node
 * ignores both: types it does not know);</li>
 * <li>a Java requester asks {@code PUBSUB NUMSUB} before it publishes a broadcast with acknowledgements (Node asks
 * after), and again while it waits.</li>
 * </ul>
 * And Node's bytes in: what Node servers sent (their answers, and their requests) is understood by the Java servers.
 */
class ClassicRedisAdapterWireTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ClusterMessageCodec CODEC = new ClusterMessageCodec();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Pattern SOCKET_ID = Pattern.compile("[A-Za-z0-9_-]{20}");
    private static final Pattern JS_DATE = Pattern
            .compile("\\w{3} \\w{3} \\d{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT[+-]\\d{4} \\(.+\\)");
    /** a Java server's own messages Node ignores: heartbeat, farewell, "I will not answer" */
    private static final Set<Integer> JAVA_ONLY_TYPES = Set.of(ClassicRedisAdapter.HEARTBEAT,
            ClassicRedisAdapter.CLOSE, ClassicRedisAdapter.UNANSWERED);

    static RedisServerProcess redis;
    static RedisMonitor monitor;
    static Vertx vertx;

    final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServerProcess.start();
        monitor = redis.monitor();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        monitor.close();
        redis.close();
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }

    // ------------------------------------------------------------------ the fixture

    RedisNode server(String prefix, boolean specific) throws Exception {
        RedisNode node = RedisNode.start(vertx, redis, RedisNode.config(AdapterKind.REDIS,
                Map.of("quarkus.socketio.redis.key-prefix", prefix,
                        "quarkus.socketio.redis.publish-on-specific-response-channel", String.valueOf(specific))));
        opened.add(node);
        for (String nsp : List.of("/", "/chat")) {
            node.server().of(nsp).onConnection(socket -> {
                JsonNode auth = socket.handshake().auth();
                if (auth != null && auth.path("room").isTextual()) {
                    socket.join(auth.get("room").textValue());
                }
                if (auth != null && auth.path("name").isTextual()) {
                    socket.data().put("name", auth.get("name").textValue());
                }
            });
        }
        node.server().onServerSideEmit("ping-peer", event -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("from", "node");
            answer.put("port", node.port());
            event.ack(answer);
        });
        return node;
    }

    /** A client as the captures' clients: auth {room, name}, each ack answered {client: <its name>}. */
    TestClient client(RedisNode node, String nsp, String name, String room, String data) throws Exception {
        Map<String, String> auth = new LinkedHashMap<>();
        if (room != null) {
            auth.put("room", room);
        }
        auth.put("name", data);
        TestClient client = TestClient.connect(node.port(), nsp, name, auth, new JSONObject().put("client", name));
        opened.add(client);
        return client;
    }

    // ------------------------------------------------------------------ the captures

    /** The default captures, by file name, overlaid by those of {@code classic-specific} when {@code specific}. */
    static Map<String, JsonNode> captures(boolean specific) throws IOException, URISyntaxException {
        Map<String, JsonNode> captures = new TreeMap<>();
        for (String folder : specific ? List.of("classic", "classic-specific") : List.of("classic")) {
            Path dir = Path.of(ClassicRedisAdapterWireTest.class.getResource("/redis-wire/" + folder).toURI());
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    try (InputStream in = Files.newInputStream(file)) {
                        ObjectNode capture = (ObjectNode) JSON.readTree(in);
                        capture.put("folder", folder);
                        captures.put(file.getFileName().toString().replace(".json", ""), capture);
                    }
                }
            }
        }
        return captures;
    }

    /**
     * The roles of Node's uids in the captures (each recording had its own server A): in each setup capture, the own
     * response channel of each namespace, {@code <prefix>-response#<nsp>#<uid>#}, names server A's uid there.
     */
    static Map<String, String> nodeRoles() throws IOException, URISyntaxException {
        Map<String, String> roles = new HashMap<>();
        Map<String, JsonNode> captures = captures(false);
        captures.put("specific-setup", captures(true).get("setup"));
        for (String setup : List.of("setup", "specific-setup", "key-prefix-setup")) {
            for (JsonNode command : captures.get(setup).get("commands")) {
                if (command.path("command").asText().equals("SUBSCRIBE")) {
                    String[] own = command.get("args").get(2).asText().split("#", -1);
                    roles.put(own[2], "A" + own[1]);
                }
            }
        }
        return roles;
    }

    static Map<String, String> javaRoles(RedisNode a, RedisNode b) {
        Map<String, String> roles = new HashMap<>();
        for (String nsp : List.of("/", "/chat")) {
            roles.put(a.uid(nsp), "A" + nsp);
            if (b != null) {
                roles.put(b.uid(nsp), "B" + nsp);
            }
        }
        return roles;
    }

    interface Action {
        void run() throws Exception;
    }

    /** A step of the scenario: what server A does, and the captures it reproduces. */
    record Step(String name, List<String> files, Action action) {
    }

    // ------------------------------------------------------------------ the tests

    @ParameterizedTest(name = "publish-on-specific-response-channel={0}")
    @ValueSource(booleans = { false, true })
    void javaServersSendWhatNodeServersSend(boolean specific) throws Exception {
        Map<String, JsonNode> captures = captures(specific);
        captures.keySet().removeIf(name -> name.startsWith("key-prefix-"));
        Map<String, String> nodeRoles = nodeRoles();
        monitor.clear();

        // server A, alone: its subscriptions when its namespaces and its client come
        RedisNode a = server("socket.io", specific);
        a.server().of("/chat");
        TestClient a1 = client(a, "/", "A1", "r1", "alice");
        String subscriberA = subscriberOf("socket.io-response#/chat#" + a.uid("/chat") + "#");
        Map<String, String> javaRoles = javaRoles(a, null);
        checkSubscriptions(captures.remove("setup"), subscriberA, nodeRoles, javaRoles);
        String uidA = a.uid("/");
        String publisherA = heartbeat(uidA, "socket.io-request#/#").client();

        // server B, with its clients
        RedisNode b = server("socket.io", specific);
        TestClient b1 = client(b, "/", "B1", "r1", "bob");
        client(b, "/", "B2", "r2", "carol");
        String b3 = client(b, "/", "B3", "dc", "erin").id();
        client(b, "/chat", "Bchat", null, "dave");
        TestClient.awaitCondition(() -> subscribers("socket.io-request#/#") == 2, "two servers subscribe");
        String publisherB = heartbeat(b.uid("/"), "socket.io-request#/#").client();
        javaRoles = javaRoles(a, b);
        Map<String, String> publishers = Map.of("A", publisherA, "B", publisherB);

        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("a", true);
        sample.put("n", null);
        List<Step> steps = List.of(
                new Step("broadcast-room", List.of("broadcast-room"),
                        () -> a.server().to("r1").emit("ev", "hello", 1, 2.5, sample)),
                new Step("broadcast-binary", List.of("broadcast-binary"), () -> a.server().to("r1").emit("bin",
                        new byte[] { 1, 2, 3 }, Map.of("nested", "hi".getBytes()))),
                new Step("broadcast-all-except", List.of("broadcast-all-except"),
                        () -> a.server().except("r2").emit("ev2", "x")),
                new Step("broadcast-chat-nsp", List.of("broadcast-chat-nsp"),
                        () -> a.server().of("/chat").emit("chatmsg", "hi")),
                new Step("broadcast-compress-false", List.of("broadcast-compress-false"),
                        () -> a.server().compress(false).emit("cmp", 1)),
                new Step("broadcast-multi-room", List.of("broadcast-multi-room"),
                        () -> a.server().to("r1", "r2").emit("ev3", "y")),
                new Step("broadcast-socket-id", List.of("broadcast-socket-id"),
                        () -> a.server().to(b1.id()).emit("ev4", "private")),
                new Step("broadcast-volatile", List.of("broadcast-volatile"),
                        () -> a.server().asVolatile().emit("vol", 1)),
                new Step("sockets-join", List.of("sockets-join"), () -> {
                    a.server().in("r1").socketsJoin("r3");
                    awaitRooms(b, b1, Set.of(b1.id(), "r1", "r3"));
                }),
                new Step("sockets-leave", List.of("sockets-leave"), () -> {
                    a.server().in("r1").socketsLeave("r3");
                    awaitRooms(b, b1, Set.of(b1.id(), "r1"));
                }),
                new Step("sockets-join-except", List.of("sockets-join-except"), () -> {
                    a.server().except("r2").socketsJoin("r4", "r5");
                    awaitRooms(b, b1, Set.of(b1.id(), "r1", "r4", "r5"));
                }),
                new Step("fetch-sockets",
                        List.of("fetch-sockets-request", "fetch-sockets-response", "fetch-sockets-numsub"), () -> {
                            List<RemoteSocket> sockets = a.server().in("r1").fetchSockets().await().atMost(WAIT);
                            assertEquals(Set.of(a1.id(), b1.id()),
                                    sockets.stream().map(RemoteSocket::id).collect(Collectors.toSet()));
                            RemoteSocket bob = sockets.stream().filter(s -> s.id().equals(b1.id())).findFirst()
                                    .orElseThrow();
                            assertEquals(Set.of(b1.id(), "r1", "r4", "r5"), bob.rooms());
                            assertEquals("bob", bob.data().get("name"));
                        }),
                new Step("server-side-emit", List.of("server-side-emit"),
                        () -> a.server().serverSideEmit("hello", "world", 1)),
                new Step("server-side-emit-ack", List.of("server-side-emit-ack-request",
                        "server-side-emit-ack-response", "server-side-emit-ack-numsub"), () -> {
                            List<JsonNode> answers = a.server().serverSideEmitWithAck("ping-peer", 1).await()
                                    .atMost(WAIT);
                            assertEquals(List.of(JSON.readTree("{\"from\":\"node\",\"port\":" + b.port() + "}")),
                                    answers);
                        }),
                new Step("broadcast-ack", List.of("broadcast-ack-request", "broadcast-ack-client-count",
                        "broadcast-ack-ack", "broadcast-ack-numsub"), () -> {
                            List<JsonNode> acks = a.server().timeout(Duration.ofSeconds(2)).emitWithAck("ask", 1)
                                    .await().atMost(WAIT);
                            assertEquals(Set.of("A1", "B1", "B2", "B3"), acks.stream()
                                    .map(ack -> ack.path("client").asText()).collect(Collectors.toSet()));
                        }),
                new Step("server-count", List.of("server-count"),
                        () -> assertEquals(2, a.server().serverCount().await().atMost(WAIT))),
                new Step("disconnect-sockets", List.of("disconnect-sockets"), () -> {
                    a.server().in("dc").disconnectSockets(true);
                    TestClient.awaitCondition(() -> b.server().localSockets().stream()
                            .noneMatch(s -> s.id().equals(b3)), "B3 disconnected");
                }));

        for (Step step : steps) {
            monitor.clear();
            step.action.run();
            for (String file : step.files) {
                JsonNode capture = captures.remove(file);
                if (capture == null) {
                    throw new AssertionError("no capture " + file);
                }
                check(capture, (specific ? "classic-specific " : "classic ") + capture.path("folder").asText() + "/"
                        + file, publishers, nodeRoles, javaRoles);
            }
        }

        // server A closes: a farewell per namespace, then Node's PUNSUBSCRIBE and UNSUBSCRIBEs
        monitor.clear();
        Map<String, String> uidsOfA = Map.of("/", a.uid("/"), "/chat", a.uid("/chat"));
        a.close();
        opened.remove(a);
        JsonNode close = captures.remove("close");
        for (String nsp : List.of("/", "/chat")) {
            String uid = uidsOfA.get(nsp);
            monitor.await(c -> c.name().equals("PUBLISH") && c.arg(0).equals("socket.io-request#" + nsp + "#")
                    && c.arg(1).equals("{\"uid\":\"" + uid + "\",\"type\":1002}"), 1, "A's farewell in " + nsp);
        }
        List<String> expected = commands(close.get("commands"), nodeRoles);
        monitor.await(named("PUNSUBSCRIBE", "UNSUBSCRIBE"), expected.size(), "A's unsubscriptions");
        Thread.sleep(200); // none more
        assertEquals(expected, commands(monitor.commands(named("PUNSUBSCRIBE", "UNSUBSCRIBE")), subscriberA,
                javaRoles), "close");

        assertEquals(Set.of(), captures.keySet(), "captures without a Java step");
    }

    /** Node's {@code key} option: every channel starts with it, {@code -request}/{@code -response} after it. */
    @Test
    void keyPrefixIsNodesKey() throws Exception {
        Map<String, JsonNode> captures = captures(false);
        captures.keySet().removeIf(name -> !name.startsWith("key-prefix-"));
        Map<String, String> nodeRoles = nodeRoles();
        monitor.clear();
        RedisNode a = server("myapp", false);
        a.server().of("/chat");
        client(a, "/", "A1", "r1", "alice");
        String subscriberA = subscriberOf("myapp-response#/chat#" + a.uid("/chat") + "#");
        checkSubscriptions(captures.remove("key-prefix-setup"), subscriberA, nodeRoles, javaRoles(a, null));
        String publisherA = heartbeat(a.uid("/"), "myapp-request#/#").client();

        RedisNode b = server("myapp", false);
        client(b, "/", "B1", "r1", "bob");
        TestClient.awaitCondition(() -> subscribers("myapp-request#/#") == 2, "two servers subscribe");
        String publisherB = heartbeat(b.uid("/"), "myapp-request#/#").client();
        Map<String, String> javaRoles = javaRoles(a, b);
        Map<String, String> publishers = Map.of("A", publisherA, "B", publisherB);

        monitor.clear();
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("a", true);
        sample.put("n", null);
        a.server().to("r1").emit("ev", "hello", 1, 2.5, sample);
        check(captures.remove("key-prefix-broadcast-room"), "key-prefix-broadcast-room", publishers, nodeRoles,
                javaRoles);
        monitor.clear();
        assertEquals(List.of(JSON.readTree("{\"from\":\"node\",\"port\":" + b.port() + "}")),
                a.server().serverSideEmitWithAck("ping-peer", 1).await().atMost(WAIT));
        for (String file : List.of("key-prefix-server-side-emit-ack-request", "key-prefix-server-side-emit-ack-response",
                "key-prefix-server-side-emit-ack-numsub")) {
            check(captures.remove(file), file, publishers, nodeRoles, javaRoles);
        }
        assertEquals(Set.of(), captures.keySet(), "captures without a Java step");
        assertEquals(0, subscribers("socket.io-request#/#"), "nothing of the default prefix");
        assertEquals(List.of(), monitor.commands(c -> c.args().size() > 0 && c.arg(0).startsWith("socket.io")));
    }

    /**
     * Node's bytes in: the answers a Node server sent complete a Java server's requests (a fetched socket with Node's
     * handshake, an acknowledgement, a client count and a client's MessagePack acknowledgement), and the requests a
     * Node server sent are applied and answered as Node answers them, without the "I will not answer" a Java requester
     * would get.
     */
    @Test
    void javaServersUnderstandWhatNodeServersSend() throws Exception {
        Map<String, JsonNode> captures = captures(false);
        RedisNode a = server("socket.io", false);
        TestClient a1 = client(a, "/", "A1", "r1", "alice");
        // a second subscriber of the request channel, which Redis counts as a server: "Node's", played by this test
        try (RedisServerProcess.Subscriber node = redis.subscribe("socket.io-request#/#", "socket.io-response#/#")) {
            TestClient.awaitCondition(() -> subscribers("socket.io-request#/#") == 2, "Node's server subscribes");

            // fetchSockets: Node's answer, with its handshake, to the request id of the Java request
            var fetch = a.server().in("r1").fetchSockets().subscribeAsCompletionStage();
            String requestId = requestOf(a, ClassicRedisAdapter.FETCH_SOCKETS).path("requestId").asText();
            redis.publish("socket.io-response#/#", withRequestId(captures.get("fetch-sockets-response"),
                    requestId));
            List<RemoteSocket> sockets = fetch.toCompletableFuture().get(5, TimeUnit.SECONDS);
            RemoteSocket bob = sockets.stream().filter(s -> !s.id().equals(a1.id())).findFirst().orElseThrow();
            assertEquals("iJoMCYqaMjBRmJCXAAAB", bob.id());
            assertEquals(Set.of("iJoMCYqaMjBRmJCXAAAB", "r1", "r4", "r5"), bob.rooms());
            assertEquals("bob", bob.data().get("name"));
            assertEquals(1796679308645L, bob.handshake().issued().toEpochMilli());
            assertEquals("websocket", bob.handshake().queryParam("transport"));
            assertEquals("127.0.0.1:41222", bob.handshake().header("host"));
            assertEquals(2, sockets.size());

            // serverSideEmitWithAck: Node's answer
            var emit = a.server().serverSideEmitWithAck("ping-peer", 1).subscribeAsCompletionStage();
            requestId = requestOf(a, ClassicRedisAdapter.SERVER_SIDE_EMIT).path("requestId").asText();
            redis.publish("socket.io-response#/#", withRequestId(captures.get("server-side-emit-ack-response"),
                    requestId));
            assertEquals(List.of(JSON.readTree("{\"from\":\"node\",\"port\":41222}")),
                    emit.toCompletableFuture().get(5, TimeUnit.SECONDS));

            // emitWithAck: Node's count (3 clients) and one of their acknowledgements, in MessagePack
            List<JsonNode> acks = new java.util.concurrent.CopyOnWriteArrayList<>();
            var ack = a.server().timeout(Duration.ofSeconds(2)).emitWithAck("ask", 1).subscribeAsCompletionStage();
            requestId = requestOf(a, ClassicRedisAdapter.BROADCAST).path("requestId").asText();
            redis.publish("socket.io-response#/#", withRequestId(captures.get("broadcast-ack-client-count"),
                    requestId));
            for (int i = 0; i < 3; i++) {
                redis.publish("socket.io-response#/#", withRequestId(captures.get("broadcast-ack-ack"),
                        requestId));
            }
            acks.addAll(ack.toCompletableFuture().get(5, TimeUnit.SECONDS));
            assertEquals(List.of("A1", "B1", "B1", "B1"), acks.stream().map(n -> n.path("client").asText()).sorted()
                    .toList());

            // Node's requests: a join, a server-side event with an ack nobody here handles, one that is handled
            monitor.clear();
            redis.publish("socket.io-request#/#", payload(captures.get("sockets-join")));
            TestClient.awaitCondition(() -> a.server().localSockets().iterator().next().rooms().contains("r3"),
                    "A1 joins r3 at Node's request");
            String sse = new String(payload(captures.get("server-side-emit-ack-request")), StandardCharsets.UTF_8);
            redis.publish("socket.io-request#/#", sse.replace("ping-peer", "nobody-handles")
                    .getBytes(StandardCharsets.UTF_8));
            redis.publish("socket.io-request#/#", sse.getBytes(StandardCharsets.UTF_8));
            Command answer = monitor.await(c -> c.name().equals("PUBLISH") && c.arg(0).equals("socket.io-response#/#")
                    && c.arg(1).contains("\"6dYyAd\""), 1, "A's answer to Node").get(0);
            JsonNode tree = JSON.readTree(answer.arg(1));
            assertEquals(6, tree.path("type").asInt());
            assertEquals("6dYyAd", tree.path("requestId").asText(), "Node's request id");
            assertEquals(a.port(), tree.at("/data/port").asInt());
            Thread.sleep(300);
            assertEquals(List.of(), monitor.commands(c -> c.name().equals("PUBLISH")
                    && decode(c.args().get(1)).path("type").asInt() == ClassicRedisAdapter.UNANSWERED),
                    "no \"I will not answer\" to a Node server, which would count it as an answer");
        }
    }

    // ------------------------------------------------------------------ checks

    /** A command of a capture: the Java servers sent its twin. */
    void check(JsonNode capture, String what, Map<String, String> publishers, Map<String, String> nodeRoles,
            Map<String, String> javaRoles) throws InterruptedException {
        switch (capture.path("command").asText()) {
            case "PUBLISH" -> checkPublished(capture, what, publishers, nodeRoles, javaRoles);
            case "PUBSUB" -> {
                String channel = capture.path("args").get(1).asText();
                monitor.await(c -> c.name().equals("PUBSUB") && c.args().size() == 2
                        && c.arg(0).equalsIgnoreCase("NUMSUB") && c.arg(1).equals(channel), 1, what);
            }
            default -> throw new AssertionError(what + ": " + capture.path("command"));
        }
    }

    /**
     * A message Node published: Java's has the same channel, encoding and tree; it comes from the same server (A the
     * requester, B the peer); A's is published once, and is Node's very bytes once the ids are Node's.
     */
    void checkPublished(JsonNode capture, String what, Map<String, String> publishers, Map<String, String> nodeRoles,
            Map<String, String> javaRoles) throws InterruptedException {
        byte[] nodeBytes = HexFormat.of().parseHex(capture.path("hex").asText());
        boolean json = nodeBytes[0] == '{';
        assertEquals(capture.path("encoding").asText().equals("json"), json, what + ": the capture's encoding");
        boolean byB = capture.path("sentBy").asText().startsWith("B");
        String publisher = publishers.get(byB ? "B" : "A");
        JsonNode nodeTree = decode(nodeBytes);
        JsonNode expected = normalize(nodeTree, nodeRoles);
        String expectedChannel = channel(capture.path("channel").asText(), nodeRoles);
        Predicate<Command> candidate = c -> c.name().equals("PUBLISH") && c.client().equals(publisher)
                && !isJavaOnly(c.args().get(1)) && channel(c.arg(0), javaRoles).equals(expectedChannel)
                && (c.args().get(1)[0] == '{') == json;
        Predicate<Command> twin = c -> candidate.test(c)
                && normalize(javaTree(c.args().get(1), nodeTree, javaRoles, what), javaRoles).equals(expected);
        try {
            TestClient.awaitCondition(() -> monitor.commands(twin).size() > 0, what + ": the same message from Java");
        } catch (AssertionError e) {
            throw new AssertionError(what + ": expected " + expectedChannel + " " + (json ? "JSON " : "MessagePack ")
                    + expected + ", " + (byB ? "B" : "A") + " sent " + monitor.commands(c -> c.name().equals("PUBLISH")
                            && c.client().equals(publisher) && !isJavaOnly(c.args().get(1))).stream()
                            .map(c -> channel(c.arg(0), javaRoles) + " "
                                    + (c.args().get(1)[0] == '{' ? "JSON " : "MessagePack ")
                                    + normalize(decode(c.args().get(1)), javaRoles))
                            .toList());
        }
        if (!byB) {
            Thread.sleep(100); // none more
            List<Command> sent = monitor.commands(twin);
            assertEquals(1, sent.size(), what + ": published once");
            byte[] javaBytes = sent.get(0).args().get(1);
            Map<String, String> ids = new HashMap<>();
            pairIds(decode(javaBytes), nodeTree, ids);
            byte[] asNode = replaceIds(javaBytes, ids, json);
            assertArrayEquals(nodeBytes, asNode, what + ": Node's bytes, ids aside; Java's: "
                    + HexFormat.of().formatHex(asNode) + " ids " + ids);
        }
    }

    /**
     * Java's message as a tree; an answer's {@code uid}, which Node's answers do not have, checked to be the
     * responder's and left out.
     */
    static JsonNode javaTree(byte[] payload, JsonNode nodeTree, Map<String, String> javaRoles, String what) {
        JsonNode tree = decode(payload);
        if (tree instanceof ObjectNode object && object.has("uid") && !nodeTree.has("uid")) {
            String role = javaRoles.get(object.get("uid").asText());
            if (role == null || !role.startsWith("B")) {
                return NODES.textNode(what + ": an answer whose uid is not B's: " + tree);
            }
            ObjectNode copy = object.deepCopy();
            copy.remove("uid");
            return copy;
        }
        return tree;
    }

    /** The subscription commands of a capture's setup, in order: what the subscriber of server A sent. */
    void checkSubscriptions(JsonNode capture, String subscriber, Map<String, String> nodeRoles,
            Map<String, String> javaRoles) throws InterruptedException {
        List<String> expected = commands(capture.get("commands"), nodeRoles);
        monitor.await(named("PSUBSCRIBE", "SUBSCRIBE"), expected.size(), "A's subscriptions");
        Thread.sleep(200); // none more
        List<Command> subscriptions = monitor.commands(named("PSUBSCRIBE", "SUBSCRIBE"));
        assertEquals(expected, commands(subscriptions, subscriber, javaRoles), "setup");
        assertTrue(subscriptions.stream().allMatch(c -> c.client().equals(subscriber)), "all on one connection");
    }

    /** Captured commands as text, ids by role. */
    static List<String> commands(JsonNode captured, Map<String, String> roles) {
        List<String> commands = new ArrayList<>();
        for (JsonNode command : captured) {
            StringBuilder text = new StringBuilder(command.get("command").asText());
            command.get("args").forEach(arg -> text.append(' ').append(channel(arg.asText(), roles)));
            commands.add(text.toString());
        }
        return commands;
    }

    /** Commands seen, of one connection, as text, ids by role. */
    static List<String> commands(List<Command> seen, String client, Map<String, String> roles) {
        List<String> commands = new ArrayList<>();
        for (Command command : seen) {
            if (command.client().equals(client)) {
                StringBuilder text = new StringBuilder(command.name());
                command.args().forEach(arg -> text.append(' ')
                        .append(channel(new String(arg, StandardCharsets.UTF_8), roles)));
                commands.add(text.toString());
            }
        }
        return commands;
    }

    // ------------------------------------------------------------------ helpers

    /** A Java server's heartbeat, {@code {"uid":..,"type":1001}} on the request channel: its publishing connection. */
    static Command heartbeat(String uid, String channel) throws InterruptedException {
        String text = "{\"uid\":\"" + uid + "\",\"type\":1001}";
        return monitor.await(c -> c.name().equals("PUBLISH") && c.arg(0).equals(channel) && c.arg(1).equals(text), 1,
                "the heartbeat of " + uid).get(0);
    }

    /** The address of the connection that subscribed to a channel. */
    static String subscriberOf(String channel) throws InterruptedException {
        return monitor.await(c -> c.name().equals("SUBSCRIBE") && c.args().stream()
                .anyMatch(arg -> new String(arg, StandardCharsets.UTF_8).equals(channel)), 1, "SUBSCRIBE " + channel)
                .get(0).client();
    }

    /** The request of this type a server published last (MONITOR), once it did. */
    static JsonNode requestOf(RedisNode node, int type) throws InterruptedException {
        String uid = node.uid("/");
        Predicate<Command> request = c -> c.name().equals("PUBLISH") && c.arg(0).endsWith("-request#/#")
                && decode(c.args().get(1)).path("uid").asText().equals(uid)
                && decode(c.args().get(1)).path("type").asInt() == type;
        List<Command> found = monitor.await(request, 1, "a request of type " + type);
        return decode(found.get(found.size() - 1).args().get(1));
    }

    /** A captured message's payload. */
    static byte[] payload(JsonNode capture) {
        return HexFormat.of().parseHex(capture.path("hex").asText());
    }

    /** A captured answer with another request id (the same length in the encoding: MessagePack is rewritten). */
    static byte[] withRequestId(JsonNode capture, String requestId) {
        byte[] bytes = HexFormat.of().parseHex(capture.path("hex").asText());
        String old = capture.path("decoded").path("requestId").asText();
        return replaceIds(bytes, Map.of(old, requestId), bytes[0] == '{');
    }

    static boolean isJavaOnly(byte[] payload) {
        if (payload.length == 0 || payload[0] != '{') {
            return false;
        }
        return JAVA_ONLY_TYPES.contains(decode(payload).path("type").asInt());
    }

    static long subscribers(String channel) {
        try {
            return (Long) ((List<?>) redis.reply("PUBSUB", "NUMSUB", channel)).get(1);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static void awaitRooms(RedisNode node, TestClient client, Set<String> rooms) throws InterruptedException {
        TestClient.awaitCondition(() -> node.server().localSockets().stream()
                .anyMatch(s -> s.id().equals(client.id()) && s.rooms().equals(rooms)), client.name + " in " + rooms);
    }

    static JsonNode decode(byte[] payload) {
        return payload[0] == '{' ? CODEC.readJson(payload) : CODEC.readTree(payload, 0, payload.length);
    }

    /** A channel with its ids replaced: a server's uid by its role, socket ids by {@code <sid>}. */
    static String channel(String name, Map<String, String> roles) {
        return Stream.of(name.split("#", -1)).map(part -> id(part, roles)).collect(Collectors.joining("#"));
    }

    private static String id(String text, Map<String, String> roles) {
        String role = roles.get(text);
        if (role != null) {
            return "<" + role + ">";
        }
        return SOCKET_ID.matcher(text).matches() ? "<sid>" : text;
    }

    /**
     * A message with what differs between runs replaced: uids by their server's role, request ids, socket ids, the
     * handshake's headers (another client sent them), time and issued, a server's port, and the order of a fetched
     * socket's rooms.
     */
    static JsonNode normalize(JsonNode node, Map<String, String> roles) {
        if (node.isTextual()) {
            String text = node.textValue();
            return TextNode.valueOf(JS_DATE.matcher(text).matches() ? "<time>" : id(text, roles));
        }
        if (node.isArray()) {
            ArrayNode copy = NODES.arrayNode();
            node.forEach(item -> copy.add(normalize(item, roles)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = NODES.objectNode();
            node.fields().forEachRemaining(field -> {
                String key = field.getKey();
                JsonNode value = field.getValue();
                if (key.equals("requestId") && value.isTextual()) {
                    copy.put(key, "<requestId>");
                } else if (key.equals("headers") && value.isObject()) {
                    copy.put(key, "<headers>");
                } else if ((key.equals("issued") || key.equals("port")) && value.isNumber()) {
                    copy.put(key, "<" + key + ">");
                } else if (key.equals("rooms") && value.isArray() && node.has("handshake")) {
                    // a fetched socket's rooms: Node's are in the order joined, a Java server's in no order, and
                    // the receiver makes a Set of them
                    List<String> rooms = new ArrayList<>();
                    value.forEach(room -> rooms.add(id(room.asText(), roles)));
                    rooms.sort(null);
                    ArrayNode sorted = copy.putArray(key);
                    rooms.forEach(sorted::add);
                } else {
                    copy.set(key, normalize(value, roles));
                }
            });
            return copy;
        }
        return node;
    }

    /** The texts that differ between two trees equal but for their ids: Java's -> Node's. */
    static void pairIds(JsonNode java, JsonNode node, Map<String, String> ids) {
        if (java == null || node == null) {
            return;
        }
        if (java.isTextual() && node.isTextual() && !java.textValue().equals(node.textValue())) {
            ids.put(java.textValue(), node.textValue());
        } else if (java.isArray()) {
            for (int i = 0; i < java.size(); i++) {
                pairIds(java.get(i), node.get(i), ids);
            }
        } else if (java.isObject()) {
            java.fields().forEachRemaining(field -> pairIds(field.getValue(), node.get(field.getKey()), ids));
        }
    }

    /**
     * The bytes with each id replaced: in JSON as a quoted string, in MessagePack as a string with its header (ids
     * are shorter than 32 bytes: a fixstr).
     */
    static byte[] replaceIds(byte[] bytes, Map<String, String> ids, boolean json) {
        byte[] result = bytes;
        for (Map.Entry<String, String> id : ids.entrySet()) {
            result = replace(result, encodedString(id.getKey(), json), encodedString(id.getValue(), json));
        }
        return result;
    }

    private static byte[] encodedString(String text, boolean json) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (json) {
            out.write('"');
            out.writeBytes(utf8);
            out.write('"');
        } else {
            if (utf8.length >= 32) {
                throw new IllegalArgumentException("not an id: " + text);
            }
            out.write(0xa0 | utf8.length);
            out.writeBytes(utf8);
        }
        return out.toByteArray();
    }

    private static byte[] replace(byte[] bytes, byte[] what, byte[] with) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < bytes.length) {
            if (i + what.length <= bytes.length && java.util.Arrays.equals(bytes, i, i + what.length, what, 0,
                    what.length)) {
                out.writeBytes(with);
                i += what.length;
            } else {
                out.write(bytes[i++]);
            }
        }
        return out.toByteArray();
    }
}
