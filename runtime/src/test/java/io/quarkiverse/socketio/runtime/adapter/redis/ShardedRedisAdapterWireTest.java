package io.quarkiverse.socketio.runtime.adapter.redis;

import static io.quarkiverse.socketio.runtime.adapter.redis.RedisMonitor.named;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
import org.junit.jupiter.params.provider.EnumSource;

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
import io.quarkiverse.socketio.runtime.config.SocketIOConfig.SubscriptionMode;
import io.quarkiverse.socketio.runtime.server.TestClient;
import io.vertx.core.Vertx;

/**
 * What two Java servers of the sharded adapter send to Redis is what two Node servers sent in the golden captures of
 * {@code src/test/resources/redis-wire/sharded-*}: the same operations, on a fixture like the captures' (server A
 * with client A1 in room r1; server B with B1 in r1, B2 in r2, B3 in dc, and one client of {@code /chat}), seen
 * through Redis's MONITOR as the captures were. Every message decodes to the same tree as Node's (the same encoding,
 * JSON or MessagePack, to the same channel), modulo the random ids, the handshake's headers and times, and a port;
 * the SSUBSCRIBE and SUNSUBSCRIBE commands are the same, per subscription mode. A capture without a Java step fails
 * the test.
 */
class ShardedRedisAdapterWireTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ClusterMessageCodec CODEC = new ClusterMessageCodec();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Pattern UID = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern SOCKET_ID = Pattern.compile("[A-Za-z0-9_-]{20}");
    private static final Pattern JS_DATE = Pattern
            .compile("\\w{3} \\w{3} \\d{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT[+-]\\d{4} \\(.+\\)");

    static RedisServerProcess redis;
    static RedisMonitor monitor;
    static Vertx vertx;

    final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServerProcess.start().requireRedis7();
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

    RedisNode server(SubscriptionMode mode, String prefix) throws Exception {
        RedisNode node = RedisNode.start(vertx, redis, RedisNode.config(AdapterKind.REDIS_SHARDED,
                Map.of("quarkus.socketio.redis.subscription-mode", mode.name().toLowerCase().replace('_', '-'),
                        "quarkus.socketio.redis.key-prefix", prefix)));
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
        node.server().onServerSideEmit("ping-peer", event -> event.ack(Map.of("from", "node", "port", node.port())));
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

    /** The captures of a mode, by file name: the static ones, overlaid by the dynamic ones, then the private ones. */
    static Map<String, JsonNode> captures(SubscriptionMode mode) throws IOException, URISyntaxException {
        List<String> folders = switch (mode) {
            case STATIC -> List.of("sharded-static");
            case DYNAMIC -> List.of("sharded-static", "sharded-dynamic");
            case DYNAMIC_PRIVATE -> List.of("sharded-static", "sharded-dynamic", "sharded-dynamic-private");
        };
        Map<String, JsonNode> captures = new TreeMap<>();
        for (String folder : folders) {
            Path dir = Path.of(ShardedRedisAdapterWireTest.class.getResource("/redis-wire/" + folder).toURI());
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

    /** A step of the scenario: what server A does, and the captures it reproduces. */
    interface Action {
        void run() throws Exception;
    }

    record Step(String name, List<String> files, Action action) {
    }

    // ------------------------------------------------------------------ the test

    @ParameterizedTest
    @EnumSource(SubscriptionMode.class)
    void javaServersSendWhatNodeServersSend(SubscriptionMode mode) throws Exception {
        Map<String, JsonNode> captures = captures(mode);
        captures.keySet().removeIf(name -> name.startsWith("channel-prefix-"));
        monitor.clear();

        // server A, alone: its subscriptions when its namespaces and its client come
        RedisNode a = server(mode, "socket.io");
        a.server().of("/chat");
        TestClient a1 = client(a, "/", "A1", "r1", "alice");
        checkCommands(captures.remove("setup"), named("SSUBSCRIBE"));
        assertEquals(List.of("socket.io#/#", "socket.io#/#" + a.uid("/") + "#", "socket.io#/chat#",
                "socket.io#/chat#" + a.uid("/chat") + "#"),
                monitor.commands(named("SSUBSCRIBE")).subList(0, 4)
                        .stream().map(c -> c.arg(0)).toList());
        // its heartbeat: a HEARTBEAT (2) on the namespace's channel, without data
        String uidA = a.uid("/");
        monitor.await(c -> c.name().equals("SPUBLISH") && c.arg(0).equals("socket.io#/#")
                && c.arg(1).equals("{\"type\":2,\"uid\":\"" + uidA + "\",\"nsp\":\"/\"}"), 1, "A's heartbeat");
        String subscriberA = subscriberOf("socket.io#/#" + uidA + "#");

        // server B, with its clients
        RedisNode b = server(mode, "socket.io");
        TestClient b1 = client(b, "/", "B1", "r1", "bob");
        client(b, "/", "B2", "r2", "carol");
        String b3 = client(b, "/", "B3", "dc", "erin").id();
        client(b, "/chat", "Bchat", null, "dave");
        TestClient.awaitCondition(() -> shardSubscribers("socket.io#/#") == 2, "two servers subscribe");
        String uidB = b.uid("/");
        // B's subscriptions are all made before the first step: its four channels, then r1, r2, dc, and the four
        // sockets' own rooms in dynamic-private
        int subscriptionsOfB = switch (mode) {
            case STATIC -> 4;
            case DYNAMIC -> 4 + 3;
            case DYNAMIC_PRIVATE -> 4 + 3 + 4;
        };
        String subscriberOfB = subscriberOf("socket.io#/#" + uidB + "#");
        monitor.await(c -> c.name().equals("SSUBSCRIBE") && c.client().equals(subscriberOfB), subscriptionsOfB,
                "SSUBSCRIBEs of B");
        Map<String, String> who = Map.of(subscriberA, "A", subscriberOfB, "B");
        Map<String, String> uids = Map.of("A/", uidA, "A/chat", a.uid("/chat"), "B/", uidB, "B/chat",
                b.uid("/chat"));

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
                    continue;
                }
                String what = mode + " " + capture.path("folder").asText() + "/" + file;
                switch (capture.path("command").asText()) {
                    case "SPUBLISH" -> checkPublished(capture, uids, what);
                    case "PUBSUB" -> monitor.await(c -> c.name().equals("PUBSUB")
                            && c.args().size() == 2 && c.arg(0).equalsIgnoreCase("SHARDNUMSUB")
                            && c.arg(1).equals(capture.path("args").get(1).asText()), 1, what);
                    default -> throw new AssertionError(what + ": " + capture.path("command"));
                }
                if (checksSubscriptions(mode, capture)) {
                    checkSubscriptionChanges(capture, mode, who, b3, what);
                }
            }
        }

        // server A closes: a farewell, then its room channels, then each namespace's two channels
        monitor.clear();
        a.close();
        opened.remove(a);
        JsonNode close = captures.remove("close");
        monitor.await(c -> c.name().equals("SPUBLISH") && c.arg(0).equals("socket.io#/#")
                && c.arg(1).equals("{\"type\":13,\"uid\":\"" + uidA + "\",\"nsp\":\"/\"}"), 1, "A's farewell");
        if (mode == SubscriptionMode.DYNAMIC_PRIVATE) {
            // Node's close of this mode was not captured: the dynamic one, with the socket's own room among the rooms
            ArrayNode commands = (ArrayNode) close.get("commands").deepCopy();
            commands.insert(0, JSON.readTree("{\"command\":\"SUNSUBSCRIBE\",\"args\":[\"socket.io#/#" + a1.id()
                    + "#\"]}"));
            close = JSON.createObjectNode().set("commands", commands);
        }
        List<Command> unsubscribed = monitor.await(c -> c.name().equals("SUNSUBSCRIBE"),
                close.get("commands").size(), "SUNSUBSCRIBEs of A");
        List<String> expected = new ArrayList<>();
        close.get("commands").forEach(c -> expected.add("SUNSUBSCRIBE " + channel(c.get("args").get(0).asText())));
        List<String> actual = unsubscribed.stream().filter(c -> c.client().equals(subscriberA))
                .map(c -> c.name() + " " + channel(c.arg(0))).toList();
        if (mode == SubscriptionMode.DYNAMIC_PRIVATE) {
            // the order of the rooms is the order they were created in: A1's own room came first
            assertEquals(new TreeSet<>(expected), new TreeSet<>(actual), mode + " close");
        } else {
            assertEquals(expected, actual, mode + " close");
        }

        assertEquals(Set.of(), captures.keySet(), mode + ": captures without a Java step");
    }

    /** Node's key prefix option ({@code channelPrefix}): every channel starts with it. */
    @Test
    void keyPrefixIsTheChannelPrefix() throws Exception {
        Map<String, JsonNode> captures = captures(SubscriptionMode.DYNAMIC);
        monitor.clear();
        RedisNode a = server(SubscriptionMode.DYNAMIC, "myapp");
        a.server().of("/chat");
        client(a, "/", "A1", "r1", "alice");
        checkCommands(captures.get("channel-prefix-setup"), named("SSUBSCRIBE"));
        monitor.clear();
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("a", true);
        sample.put("n", null);
        a.server().to("r1").emit("ev", "hello", 1, 2.5, sample);
        checkPublished(captures.get("channel-prefix-broadcast-room"), Map.of("A/", a.uid("/")),
                "channel-prefix-broadcast-room");
        assertEquals(1, shardSubscribers("myapp#/#"));
        assertEquals(0, shardSubscribers("socket.io#/#"));
    }

    // ------------------------------------------------------------------ checks

    /** A message Node published: Java's (found by its sender's uid) has the same channel, encoding and tree. */
    void checkPublished(JsonNode capture, Map<String, String> uids, String what) throws InterruptedException {
        byte[] nodeBytes = HexFormat.of().parseHex(capture.path("hex").asText());
        JsonNode nodeMessage = decode(nodeBytes);
        String sender = (capture.path("sentBy").asText().startsWith("B") ? "B" : "A") + nodeMessage.path("nsp").asText();
        String uid = uids.get(sender);
        JsonNode expected = normalize(nodeMessage);
        String expectedChannel = channel(capture.path("channel").asText());
        Predicate<Command> candidate = c -> c.name().equals("SPUBLISH") && uid.equals(decode(c.args().get(1))
                .path("uid").asText()) && decode(c.args().get(1)).path("type").equals(nodeMessage.path("type"));
        try {
            TestClient.awaitCondition(() -> monitor.commands(candidate).stream().anyMatch(
                    c -> channel(c.arg(0)).equals(expectedChannel) && normalize(decode(c.args().get(1))).equals(expected)
                            && (c.args().get(1)[0] == '{') == (nodeBytes[0] == '{')),
                    what + ": the same message from Java");
        } catch (AssertionError e) {
            throw new AssertionError(what + ": expected " + expectedChannel + " "
                    + (nodeBytes[0] == '{' ? "JSON " : "MessagePack ") + expected + ", Java sent "
                    + monitor.commands(candidate).stream().map(c -> channel(c.arg(0)) + " "
                            + (c.args().get(1)[0] == '{' ? "JSON " : "MessagePack ") + normalize(decode(c.args().get(1))))
                            .toList());
        }
        Command sent = monitor.commands(candidate).get(0);
        if (!capture.path("sentBy").asText().startsWith("B")) {
            assertEquals(1, monitor.commands(candidate).size(), what + ": published once");
        } else {
            // an answer goes to the requester's own channel
            assertEquals(capture.path("channel").asText().replaceAll("[0-9a-f]{16}", uids.get("A/")), sent.arg(0),
                    what);
        }
    }

    /** The SSUBSCRIBE (or SUNSUBSCRIBE) commands of a capture's list, in order, channels normalized. */
    void checkCommands(JsonNode capture, Predicate<Command> kind) throws InterruptedException {
        monitor.await(kind, capture.get("commands").size(), "subscriptions");
        Thread.sleep(200); // none more
        List<String> expected = new ArrayList<>();
        capture.get("commands").forEach(c -> expected.add(c.get("command").asText() + " "
                + channel(c.get("args").get(0).asText())));
        List<String> actual = new ArrayList<>();
        monitor.commands(kind).forEach(c -> {
            assertEquals(1, c.args().size(), "one channel per command, as Node: " + c);
            actual.add(c.name() + " " + channel(c.arg(0)));
        });
        assertEquals(expected, actual, "subscriptions of " + capture);
    }

    /** Whether a capture's subscription changes hold for this mode (those of another mode's folder may not). */
    static boolean checksSubscriptions(SubscriptionMode mode, JsonNode capture) {
        String folder = capture.path("folder").asText();
        return mode == SubscriptionMode.STATIC || !folder.equals("sharded-static");
    }

    /** The SSUBSCRIBEs and SUNSUBSCRIBEs of the operation, by server: those of the capture, no more. */
    void checkSubscriptionChanges(JsonNode capture, SubscriptionMode mode, Map<String, String> who, String b3,
            String what) throws InterruptedException {
        Set<String> expected = new TreeSet<>();
        capture.path("subscriptionChanges").forEach(change -> {
            String[] parts = change.asText().split(" ");
            expected.add(parts[0] + " " + parts[1] + " " + channel(parts[2]));
        });
        if (mode == SubscriptionMode.DYNAMIC_PRIVATE && capture.path("messageType").asText().equals(
                "DISCONNECT_SOCKETS")) {
            expected.add("B: SUNSUBSCRIBE " + channel("socket.io#/#" + b3 + "#")); // its own room too
        }
        Predicate<Command> changes = named("SSUBSCRIBE", "SUNSUBSCRIBE");
        TestClient.awaitCondition(() -> monitor.commands(changes).size() >= expected.size(),
                what + ": " + expected);
        Thread.sleep(200); // none more
        Set<String> actual = new TreeSet<>();
        monitor.commands(changes).forEach(c -> actual.add(who.getOrDefault(c.client(), c.client()) + ": " + c.name()
                + " " + channel(c.arg(0))));
        assertEquals(expected, actual, what + ": subscription changes");
    }

    // ------------------------------------------------------------------ helpers

    /** The address of the connection that subscribed to a channel. */
    static String subscriberOf(String channel) throws InterruptedException {
        return monitor.await(c -> c.name().equals("SSUBSCRIBE") && c.arg(0).equals(channel), 1, "SSUBSCRIBE " + channel)
                .get(0).client();
    }

    static long shardSubscribers(String channel) {
        try {
            return redis.shardSubscribers(channel);
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

    /** A channel with its ids replaced: uids and request ids by {@code <id>}, socket ids by {@code <sid>}. */
    static String channel(String name) {
        return Stream.of(name.split("#", -1)).map(ShardedRedisAdapterWireTest::id).collect(Collectors.joining("#"));
    }

    private static String id(String text) {
        if (UID.matcher(text).matches()) {
            return "<id>";
        }
        return SOCKET_ID.matcher(text).matches() ? "<sid>" : text;
    }

    /**
     * A message with what differs between runs replaced: ids, the handshake's headers (another client sent them),
     * time and issued, a server's port, and the order of a fetched socket's rooms.
     */
    static JsonNode normalize(JsonNode node) {
        if (node.isTextual()) {
            String text = node.textValue();
            return TextNode.valueOf(JS_DATE.matcher(text).matches() ? "<time>" : id(text));
        }
        if (node.isArray()) {
            ArrayNode copy = NODES.arrayNode();
            node.forEach(item -> copy.add(normalize(item)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = NODES.objectNode();
            node.fields().forEachRemaining(field -> {
                String key = field.getKey();
                JsonNode value = field.getValue();
                if (key.equals("headers") && value.isObject()) {
                    copy.put(key, "<headers>");
                } else if ((key.equals("issued") || key.equals("port")) && value.isNumber()) {
                    copy.put(key, "<" + key + ">");
                } else if (key.equals("rooms") && value.isArray() && node.has("handshake")) {
                    // a fetched socket's rooms: Node's are in the order joined, a Java server's in no order, and
                    // the receiver makes a Set of them (socket.io-adapter's RemoteSocket)
                    List<String> rooms = new ArrayList<>();
                    value.forEach(room -> rooms.add(id(room.asText())));
                    rooms.sort(null);
                    ArrayNode sorted = copy.putArray(key);
                    rooms.forEach(sorted::add);
                } else {
                    copy.set(key, normalize(value));
                }
            });
            return copy;
        }
        return node;
    }
}
