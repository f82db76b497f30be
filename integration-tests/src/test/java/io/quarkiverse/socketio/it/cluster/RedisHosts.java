package io.quarkiverse.socketio.it.cluster;

import static io.quarkiverse.socketio.it.cluster.Timings.millisSince;
import static io.quarkiverse.socketio.it.cluster.Timings.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkiverse.socketio.it.support.JavaClients;

/**
 * Several hosts on one Redis, with one of the three Redis adapters (a subclass per adapter): two hosts, each the
 * packaged application as a cluster of two workers behind its primary ({@code A} and {@code B}, on different ports),
 * and one Node.js server on Node's own adapter of the same kind ({@code node}, {@code redis-peer.mjs}), all on one
 * {@code redis-server}: five servers of the namespace {@code /cluster}. The official Java and JavaScript clients are
 * connected to all three. Every server serves the Socket.IO Admin UI too (namespace {@code /admin}, basic login,
 * development mode): the hosts by configuration, Node by {@code instrument()} of {@code @socket.io/admin-ui}. One
 * Redis and one set of servers serve every test of a class, in this order:
 * <ol>
 * <li>the Admin UI logged in on host A and on Node: each gets the statistics of all five servers and the sockets of
 * all of them, and its actions reach the sockets of any server;</li>
 * <li>the operations across servers, each started from every server: room broadcasts, counted per client (each
 * member gets each once, the others nothing), fetchSockets, socketsJoin / socketsLeave, serverSideEmit with acks,
 * broadcasts with acks, disconnectSockets, and the server count;</li>
 * <li>a worker of host A killed (SIGKILL) under two streams of numbered broadcasts (one from Node, one from host B):
 * the clients of host B lose none and get them in order, and a fetchSockets that waits for that worker answers soon
 * after the kill;</li>
 * <li>Redis stopped and started again on the same port: every worker's readiness is DOWN meanwhile, broadcasts within
 * a worker still work, and afterwards the readiness is UP and the broadcasts cross again, without help.</li>
 * </ol>
 * The measured times go to the test's output and to {@code target/cluster-it/<class>-timings.txt}.
 */
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class RedisHosts {

    static final String NODE = "node";
    static final String R1 = "r1";
    static final String R2 = "r2";
    /** The Admin UI's login on every server; the hash is bcrypt's of {@link #ADMIN_PASSWORD}. */
    static final String ADMIN_USER = "admin";
    static final String ADMIN_PASSWORD = "changeit";
    static final String ADMIN_PASSWORD_HASH = "$2b$10$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS";
    /** How long the Admin UI may wait for the statistics of all five servers: they come every 2 s from each. */
    static final Duration ADMIN_STATS_WITHIN = Duration.ofSeconds(10);
    /** The requests-timeout of the Java servers and of Node's adapters. */
    static final Duration REQUESTS_TIMEOUT = Duration.ofSeconds(5);
    /** How soon a request waiting for a killed worker must end: well under {@link #REQUESTS_TIMEOUT}. */
    static final Duration AFTER_KILL = Duration.ofSeconds(2);

    private final RedisKind kind;
    private final String name;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RedisServerProcess redis;
    private PackagedCluster hostA;
    private PackagedCluster hostB;
    private NodePeer node;
    /** The clients of the operations across servers: on every server, in R1 or R2. */
    private final List<HostClient> cast = new ArrayList<>();
    private final List<AutoCloseable> castProcesses = new ArrayList<>();

    RedisHosts(RedisKind kind) {
        this.kind = kind;
        this.name = getClass().getSimpleName();
    }

    @BeforeAll
    void startServers() throws Exception {
        long started = System.nanoTime();
        redis = RedisServerProcess.start(name);
        ExecutorService starting = Executors.newFixedThreadPool(2);
        try {
            Future<PackagedCluster> a = starting.submit(() -> startHost("hostA"));
            Future<PackagedCluster> b = starting.submit(() -> startHost("hostB"));
            try {
                node = NodePeer.start(name, kind, redis, nodeAdminUiOptions());
                hostA = get(a);
            } catch (Exception e) {
                try {
                    get(b).close();
                } catch (Exception ignored) {
                    // failed too
                }
                throw e;
            }
            hostB = get(b);
        } finally {
            starting.shutdown();
        }
        hostA.awaitWorkersReady(2, Duration.ofSeconds(60));
        hostB.awaitWorkersReady(2, Duration.ofSeconds(60));
        int count = eventually(node::serverCount, c -> c == 5, Duration.ofSeconds(20), "Node's serverCount 5");
        assertEquals(5, count);
        report(name, "servers started in %d ms (Redis on port %d, host A on %d, host B on %d, Node on %d)",
                millisSince(started), redis.port(), hostA.port(), hostB.port(), node.port());

        long connecting = System.nanoTime();
        connectCast();
        report(name, "%d clients connected in %d ms: %s", cast.size(), millisSince(connecting), cast);
    }

    private PackagedCluster startHost(String host) throws Exception {
        return PackagedCluster.start(name + "-" + host, Duration.ofSeconds(120),
                kind.javaArgs(redis, "-Dquarkus.socketio.cluster.restart-delay=200ms",
                        "-Dquarkus.socketio.admin-ui.enabled=true",
                        "-Dquarkus.socketio.admin-ui.authentication=basic",
                        "-Dquarkus.socketio.admin-ui.username=" + ADMIN_USER,
                        "-Dquarkus.socketio.admin-ui.password-hash=" + ADMIN_PASSWORD_HASH,
                        "-Dquarkus.socketio.admin-ui.mode=development"));
    }

    /** The Node peer calls {@code instrument(io, ...)} of {@code @socket.io/admin-ui} with the same login. */
    private static String nodeAdminUiOptions() {
        ObjectNode adminUi = emptyObject().put("mode", "development").put("serverId", NODE);
        adminUi.putObject("auth").put("type", "basic").put("username", ADMIN_USER).put("password", ADMIN_PASSWORD_HASH);
        ObjectNode options = emptyObject();
        options.set("adminUi", adminUi);
        return options.toString();
    }

    private static <T> T get(Future<T> future) throws Exception {
        try {
            return future.get(150, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Per host: Java clients in R1, R1, R2, R2 connected one after the other (least-connection routing puts them on
     * alternate workers), JavaScript clients in R1, R1, R2; on Node: one of each kind in R1 and in R2. Every worker must
     * hold an R1 member, so that every room broadcast has members on all five servers.
     */
    private void connectCast() throws Exception {
        for (String host : List.of("A", "B")) {
            PackagedCluster cluster = host(host);
            for (int i = 0; i < 4; i++) {
                cast.add(HostClient.Java.connect(host + "-j" + i, host, cluster.uri(), i < 2 ? R1 : R2));
            }
            NodeClients js = NodeClients.connect(name + "-cast-" + host + "-js", host, cluster.uri(), host + "-s",
                    List.of(R1, R1, R2));
            castProcesses.add(js);
            cast.addAll(js.clients());
        }
        cast.add(HostClient.Java.connect("N-j0", NODE, node.uri(), R1));
        cast.add(HostClient.Java.connect("N-j1", NODE, node.uri(), R2));
        NodeClients js = NodeClients.connect(name + "-cast-node-js", NODE, node.uri(), "N-s", List.of(R1, R2));
        castProcesses.add(js);
        cast.addAll(js.clients());

        Set<String> r1Places = cast.stream().filter(c -> c.room.equals(R1)).map(HostClient::where)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("A1", "A2", "B1", "B2", NODE), r1Places,
                "every server holds a member of " + R1 + ": " + cast);
        for (String server : List.of("A", "B", NODE)) {
            assertTrue(cast.stream().anyMatch(c -> c.server.equals(server) && c instanceof HostClient.Java),
                    "a Java client on " + server);
            assertTrue(cast.stream().anyMatch(c -> c.server.equals(server) && c instanceof HostClient.Js),
                    "a JavaScript client on " + server);
        }
    }

    @AfterAll
    void stopServers() {
        closeAll(cast);
        closeAll(castProcesses);
        closeAll(Arrays.asList(node, hostA, hostB, redis));
    }

    private static void closeAll(Collection<? extends AutoCloseable> all) {
        for (AutoCloseable closeable : all) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // the others still close
                }
            }
        }
    }

    // ------------------------------------------------------------------ 1. operations across servers

    /** 2 + 2 workers and Node: five servers, as a Java worker of each host and Node count them. */
    @Test
    @Order(1)
    void everyServerCountsFive() throws Exception {
        for (String where : List.of("A1", "A2", "B1", "B2")) {
            assertEquals(5, on(where).ack("count", emptyObject()).asInt(), "serverCount through a client of " + where);
        }
        assertEquals(5, node.serverCount(), "Node's serverCount");
    }

    /**
     * The Admin UI (all five servers instrumented, the hosts by configuration, Node by {@code instrument()}): a wrong
     * password is refused on host A; a UI logged in on host A gets the statistics of all five servers within a few
     * rounds, and so does one logged in on Node; the sockets the UI on A is sent ({@code all_sockets}) are those of
     * every server, and so are those the UI on Node is sent; the UI on A disconnects one client of host B and one of
     * Node by their ids (those two only; the notices socket_disconnected of host B and of Node reach it), and makes a
     * client of Node join a room (Node finds it there, Node's notice room_joined reaches the UI on A, a broadcast
     * from host B to the room reaches that client alone); the UI on Node emits to a client of host B. Its own clients (in the
     * room {@code ui}) are gone again before the next test.
     */
    @Test
    @Order(2)
    void theAdminUiSeesEveryServerAndActsOnEvery() throws Exception {
        assertEquals("invalid credentials", AdminUiClient.refusal(hostA.uri(), ADMIN_USER, "changeIt"),
                "a wrong password on host A");

        List<HostClient> extra = new ArrayList<>();
        List<AdminUiClient> uis = new ArrayList<>();
        try {
            HostClient onB = HostClient.Java.connect("UI-B-victim", "B", hostB.uri(), "ui");
            extra.add(onB);
            HostClient nextToIt = HostClient.Java.connect("UI-B-stays", "B", hostB.uri(), "ui");
            extra.add(nextToIt);
            HostClient onNode = HostClient.Java.connect("UI-N-victim", NODE, node.uri(), "ui");
            extra.add(onNode);
            HostClient joiner = HostClient.Java.connect("UI-N-joiner", NODE, node.uri(), "ui");
            extra.add(joiner);
            HostClient onA = HostClient.Java.connect("UI-A-stays", "A", hostA.uri(), "ui");
            extra.add(onA);

            String hostname = java.net.InetAddress.getLocalHost().getHostName();
            Set<String> fiveServers = new TreeSet<>(Set.of(NODE));
            javaWorkerPids().forEach(pid -> fiveServers.add(hostname + "#" + pid));

            long loggingIn = System.nanoTime();
            AdminUiClient onHostA = AdminUiClient.login("ui-on-A", hostA.uri(), ADMIN_USER, ADMIN_PASSWORD);
            uis.add(onHostA);
            AdminUiClient onPeer = AdminUiClient.login("ui-on-node", node.uri(), ADMIN_USER, ADMIN_PASSWORD);
            uis.add(onPeer);
            assertFalse(HostClient.await(onHostA.session, "the session of the UI on A")[0].toString().isEmpty());
            assertTrue(HostClient.await(onHostA.config, "the config of the UI on A")[0].toString()
                    .contains("MDISCONNECT"), "host A lets the UI act");

            eventually(onHostA::serverIds, fiveServers::equals, ADMIN_STATS_WITHIN,
                    "statistics from the five servers " + fiveServers + " on host A's UI");
            long seenOnA = millisSince(loggingIn);
            eventually(onPeer::serverIds, fiveServers::equals, ADMIN_STATS_WITHIN,
                    "statistics from the five servers " + fiveServers + " on Node's UI");
            long seenOnNode = millisSince(loggingIn);
            report(name,
                    "%s: the Admin UI saw the statistics of all five servers %d ms after its login on host A began "
                            + "(%d stats), the UI on Node after %d ms (%d stats)",
                    kind, seenOnA, onHostA.stats().size(),
                    seenOnNode, onPeer.stats().size());
            for (AdminUiClient.Stats stats : onHostA.stats()) {
                JsonNode one = stats.stats();
                boolean fromNode = one.path("serverId").asText().equals(NODE);
                assertTrue(fromNode || one.path("serverId").asText().endsWith("#" + one.path("pid").asLong()),
                        "a worker's serverId is <hostname>#<pid>: " + one);
                assertTrue(one.path("namespaces").toString().contains("\"/cluster\""), "its namespaces: " + one);
            }

            // all_sockets: fetchSockets of every namespace from the server holding the UI, so every server's sockets
            Set<String> everyClusterSocket = new TreeSet<>(names(cast).keySet());
            extra.forEach(c -> everyClusterSocket.add(c.id()));
            for (AdminUiClient ui : uis) {
                JsonNode all = JavaClients.normalize(HostClient.await(ui.allSockets, "all_sockets of " + ui)).path(0);
                Map<String, JsonNode> cluster = new TreeMap<>();
                for (JsonNode socket : all) {
                    if (socket.path("nsp").asText().equals(NodePeer.NAMESPACE)) {
                        assertTrue(cluster.put(socket.path("id").asText(), socket) == null, "twice: " + socket);
                    }
                }
                assertEquals(everyClusterSocket, cluster.keySet(), "the /cluster sockets of all_sockets on " + ui);
                for (HostClient client : List.of(onB, onNode, onA)) {
                    JsonNode socket = cluster.get(client.id());
                    assertEquals(client.name, socket.path("data").path("name").asText(), "on " + ui + ": " + socket);
                    assertEquals(12, socket.path("clientId").asText().length(), "on " + ui + ": " + socket);
                    assertTrue(textsOf(socket.path("rooms")).contains("ui"), "on " + ui + ": " + socket);
                    assertFalse(socket.path("data").has("_admin"), "on " + ui + ": " + socket);
                }
            }

            // _disconnect from the UI on A: a client of host B and one of Node, by their ids; nobody else
            Map<HostClient, List<String>> before = new LinkedHashMap<>();
            cast.forEach(c -> before.put(c, c.disconnects()));
            Map<HostClient, String> victimIds = Map.of(onB, onB.id(), onNode, onNode.id()); // a client forgets it
            onHostA.disconnect(NodePeer.NAMESPACE, false, onB.id());
            onHostA.disconnect(NodePeer.NAMESPACE, false, onNode.id());
            for (HostClient victim : List.of(onB, onNode)) {
                eventually(victim::disconnects, d -> !d.isEmpty(), Duration.ofSeconds(5), victim + " disconnected");
                assertEquals(List.of("io server disconnect"), victim.disconnects(), "how " + victim + " was disconnected");
            }
            Thread.sleep(300);
            for (HostClient other : List.of(nextToIt, joiner, onA)) {
                assertEquals(List.of(), other.disconnects(), other + " stays connected");
            }
            before.forEach((c, d) -> assertEquals(d, c.disconnects(), c + " stays connected"));
            // development mode: each server tells every UI of its sockets' disconnections (Node's notice carries a
            // JavaScript Date, which Node's classic and sharded adapters encode as a MessagePack timestamp)
            for (HostClient victim : List.of(onB, onNode)) {
                JsonNode notice = eventually(() -> notice(onHostA.socketsDisconnected, 1, victimIds.get(victim)),
                        n -> n != null,
                        Duration.ofSeconds(5), "socket_disconnected of " + victim + " on " + onHostA);
                assertEquals(NodePeer.NAMESPACE, notice.path(0).asText(), notice.toString());
                assertEquals("server namespace disconnect", notice.path(2).asText(), notice.toString());
                Instant.parse(notice.path(3).asText());
            }
            assertTrue(onHostA.connected() && onPeer.connected(), "the UIs stay connected");

            // join from the UI on A: the client of Node joins "ui-joined"; Node finds it there, a broadcast from host B
            // to the room reaches it alone
            onHostA.join(NodePeer.NAMESPACE, "ui-joined", joiner.id());
            eventually(() -> nodeFetch("ui-joined"), Map.of(joiner.id(), joiner.name)::equals, Duration.ofSeconds(5),
                    "Node's fetchSockets(ui-joined) = " + joiner);
            JsonNode joinedNotice = eventually(() -> notice(onHostA.roomsJoined, 2, joiner.id()), n -> n != null
                    && n.path(1).asText().equals("ui-joined"), Duration.ofSeconds(5), "room_joined from Node on " + onHostA);
            Instant.parse(joinedNotice.path(3).asText());
            on("B1").ack("chat", selection(List.of("ui-joined")).put("text", "to-ui-joined-from-B"));
            List<HostClient> notJoined = new ArrayList<>(cast);
            notJoined.addAll(List.of(nextToIt, onA));
            assertDeliveredOnce("chat", List.of("to-ui-joined-from-B"), List.of(joiner), notJoined);

            // emit from the UI on Node: to a client of host B, by its id
            onPeer.emitTo(NodePeer.NAMESPACE, nextToIt.id(), "chat", "from-the-ui-on-node");
            List<HostClient> notAddressed = new ArrayList<>(cast);
            notAddressed.addAll(List.of(joiner, onA));
            assertDeliveredOnce("chat", List.of("from-the-ui-on-node"), List.of(nextToIt), notAddressed);
        } finally {
            closeAll(uis);
            closeAll(extra);
        }
        // the later tests count the sockets of /cluster: this test's must be gone everywhere
        eventually(() -> nodeFetch("ui"), Map::isEmpty, Duration.ofSeconds(5), "no socket left in room ui");
    }

    /**
     * A broadcast to R1 from each worker of each host and from Node reaches every member of R1, on all five servers,
     * exactly once, and no client outside R1; so do broadcasts to all but R2, and to R1 and R2, from a host and Node.
     */
    @Test
    @Order(3)
    void roomBroadcastsReachEveryMemberOnceFromEveryServer() throws Exception {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String where : List.of("A1", "A2", "B1", "B2")) {
            String text = "r1-from-" + where;
            texts.put(where, text);
            JsonNode ack = on(where).ack("chat", selection(List.of(R1)).put("text", text));
            assertEquals(on(where).pid(), ack.path("pid").asLong(), "sent from " + where + ": " + ack);
        }
        texts.put(NODE, "r1-from-node");
        node.call(broadcast(List.of(R1), "chat", "r1-from-node"));
        assertDeliveredOnce("chat", texts.values(), members(R1), members(R2));

        // broadcasts to more than one room, or with an exception (Node's sharded adapter publishes these on the
        // namespace's channel, not on a room's)
        ObjectNode allButR2 = emptyObject().put("text", "except-r2-from-B2");
        allButR2.set("except", strings(List.of(R2)));
        on("B2").ack("chat", allButR2);
        ObjectNode nodeAllButR2 = broadcast(List.of(), "chat", "except-r2-from-node");
        nodeAllButR2.set("except", strings(List.of(R2)));
        node.call(nodeAllButR2);
        assertDeliveredOnce("chat", List.of("except-r2-from-B2", "except-r2-from-node"), members(R1), members(R2));
        on("A1").ack("chat", selection(List.of(R1, R2)).put("text", "r1-r2-from-A1"));
        node.call(broadcast(List.of(R1, R2), "chat", "r1-r2-from-node"));
        assertDeliveredOnce("chat", List.of("r1-r2-from-A1", "r1-r2-from-node"), cast, List.of());
    }

    /**
     * fetchSockets of R1, and of the whole namespace, from a worker of each host and from Node: every socket of every
     * server, once, with its rooms and data.
     */
    @Test
    @Order(4)
    void fetchSocketsFromEveryServerFindsEverySocket() throws Exception {
        Map<String, String> r1 = names(members(R1));
        Map<String, String> all = names(cast);
        assertEquals(r1, fetched(on("A1").ack("fetch", selection(List.of(R1)))), "fetchSockets(r1) from A1");
        assertEquals(all, fetched(on("B2").ack("fetch", emptyObject())), "fetchSockets() from B2");
        assertEquals(all, fetched(on("A2").ack("fetch", emptyObject())), "fetchSockets() from A2");

        JsonNode fromNode = node.call(NodePeer.command("fetchSockets").set("rooms", strings(List.of(R1))));
        Map<String, String> nodeFound = new TreeMap<>();
        for (JsonNode socket : fromNode.path("sockets")) {
            assertFalse(nodeFound.containsKey(socket.path("id").asText()), "twice: " + socket + " in " + fromNode);
            nodeFound.put(socket.path("id").asText(), socket.path("data").path("name").asText());
            HostClient client = byId(socket.path("id").asText());
            assertEquals(client.server.equals(NODE), socket.path("local").asBoolean(), "local? " + socket);
            assertTrue(textsOf(socket.path("rooms")).contains(R1), "rooms of " + socket);
        }
        assertEquals(r1, nodeFound, "fetchSockets(r1) from Node: " + fromNode);

        // what the Java side reads of a socket of another server: its rooms, and data as that server keeps it
        for (JsonNode socket : on("B1").ack("fetch", selection(List.of(R2)))) {
            HostClient client = byId(socket.path("id").asText());
            assertEquals(Set.of(client.id(), R2), textsOf(socket.path("rooms")), "rooms of " + client);
            if (!client.server.equals(NODE)) {
                assertEquals(client.pid(), socket.path("data").path("pid").asLong(), "data of " + client);
            }
        }
    }

    /**
     * socketsJoin and socketsLeave from host A, host B and Node, each checked with fetchSockets from another server,
     * and the joins with a broadcast to the joined room from a third (with the sharded adapter, a server subscribes to
     * a room's channel when a socket of its joins it, and the broadcast to it goes on that channel).
     */
    @Test
    @Order(5)
    void socketsJoinAndLeaveFromEveryServer() throws Exception {
        Map<String, String> r1 = names(members(R1));
        Map<String, String> r2 = names(members(R2));

        // A: every R2 socket joins "ja"; Node finds them there, and a broadcast from B to "ja" reaches them once
        assertTrue(on("A1").ack("join-all", selection(List.of(R2)).set("rooms", strings(List.of("ja")))).asBoolean());
        eventually(() -> nodeFetch("ja"), r2::equals, Duration.ofSeconds(5), "Node's fetchSockets(ja) = the r2 sockets");
        on("B1").ack("chat", selection(List.of("ja")).put("text", "to-ja-from-B"));
        assertDeliveredOnce("chat", List.of("to-ja-from-B"), members(R2), members(R1));

        // B: they leave "ja" again; neither Node nor A finds anyone there, and a broadcast to "ja" reaches nobody
        assertTrue(on("B2").ack("leave-all", selection(List.of("ja")).set("rooms", strings(List.of("ja")))).asBoolean());
        eventually(() -> nodeFetch("ja"), Map::isEmpty, Duration.ofSeconds(5), "Node's fetchSockets(ja) empty");
        assertEquals(Map.of(), fetched(on("A2").ack("fetch", selection(List.of("ja")))), "A2's fetchSockets(ja)");

        // the other way round: B makes the R1 sockets join "jb", a broadcast from Node reaches them once, A makes
        // them leave
        assertTrue(on("B1").ack("join-all", selection(List.of(R1)).set("rooms", strings(List.of("jb")))).asBoolean());
        eventually(() -> nodeFetch("jb"), r1::equals, Duration.ofSeconds(5), "Node's fetchSockets(jb) = the r1 sockets");
        node.call(broadcast(List.of("jb"), "chat", "to-jb-from-node"));
        assertDeliveredOnce("chat", List.of("to-jb-from-node"), members(R1), members(R2));
        assertTrue(on("A2").ack("leave-all", selection(List.of("jb")).set("rooms", strings(List.of("jb")))).asBoolean());
        eventually(() -> nodeFetch("jb"), Map::isEmpty, Duration.ofSeconds(5), "Node's fetchSockets(jb) empty");

        // Node: every R1 socket joins "jn"; both hosts find them, a broadcast from A to "jn" reaches them once
        node.call(NodePeer.command("socketsJoin").<ObjectNode> set("rooms", strings(List.of(R1))).put("target", "jn"));
        eventually(() -> fetched(on("A1").ack("fetch", selection(List.of("jn")))), r1::equals, Duration.ofSeconds(5),
                "A1's fetchSockets(jn) = the r1 sockets");
        assertEquals(r1, fetched(on("B1").ack("fetch", selection(List.of("jn")))), "B1's fetchSockets(jn)");
        on("A2").ack("chat", selection(List.of("jn")).put("text", "to-jn-from-A"));
        assertDeliveredOnce("chat", List.of("to-jn-from-A"), members(R1), members(R2));

        node.call(NodePeer.command("socketsLeave").<ObjectNode> set("rooms", strings(List.of("jn"))).put("target", "jn"));
        eventually(() -> fetched(on("B2").ack("fetch", selection(List.of("jn")))), Map::isEmpty,
                Duration.ofSeconds(5), "B2's fetchSockets(jn) empty");
    }

    /**
     * serverSideEmit with acks from a worker of each host, and from Node: each of the four other servers answers once
     * ({@code who}: a Java worker with its pid, Node with its port).
     */
    @Test
    @Order(6)
    void serverSideEmitWithAcksFromEveryServer() throws Exception {
        Set<Long> javaPids = javaWorkerPids();
        for (String where : List.of("A1", "B2")) {
            JsonNode answers = on(where).ack("sse", emptyObject());
            assertTrue(answers.isArray(), "serverSideEmitWithAck from " + where + ": " + answers);
            List<Long> pids = new ArrayList<>();
            List<Integer> nodePorts = new ArrayList<>();
            for (JsonNode answer : answers) {
                if (answer.has("pid")) {
                    pids.add(answer.path("pid").asLong());
                } else {
                    assertEquals(NODE, answer.path("server").asText(), answer.toString());
                    nodePorts.add(answer.path("port").asInt());
                }
            }
            Set<Long> others = new TreeSet<>(javaPids);
            others.remove(on(where).pid());
            assertEquals(others, new TreeSet<>(pids), "the other Java workers answered " + where + ": " + answers);
            assertEquals(3, pids.size(), "each once: " + answers);
            assertEquals(List.of(node.port()), nodePorts, "Node answered " + where + " once: " + answers);
        }
        JsonNode fromNode = node.call(NodePeer.command("serverSideEmitWithAck").put("event", "who")
                .put("timeoutMs", 10_000).set("args", strings(List.of())));
        List<Long> pids = new ArrayList<>();
        fromNode.path("responses").forEach(r -> pids.add(r.path("pid").asLong()));
        assertEquals(4, pids.size(), "each Java worker once: " + fromNode);
        assertEquals(javaPids, new TreeSet<>(pids), "the Java workers answered Node: " + fromNode);
    }

    /**
     * A broadcast with acks to R1 from a worker of each host and from Node: exactly one ack per member of R1, whatever
     * its server and kind.
     */
    @Test
    @Order(7)
    void broadcastWithAcksFromEveryServer() throws Exception {
        List<String> expected = members(R1).stream().map(c -> c.name).sorted().toList();
        for (String where : List.of("A2", "B1")) {
            JsonNode acks = on(where).ack("ask-all", selection(List.of(R1)).put("timeoutMs", 5000));
            assertTrue(acks.isArray(), "emitWithAck from " + where + ": " + acks);
            assertEquals(expected, ackNames(acks), "the acks of r1's members, once each, to " + where);
        }
        ObjectNode ask = broadcast(List.of(R1), "question", null).put("cmd", "broadcastWithAck").put("timeoutMs", 5000);
        ask.putArray("args").addObject().put("from", NODE);
        JsonNode fromNode = node.call(ask);
        assertEquals(expected, ackNames(fromNode.path("acks")), "the acks to Node: " + fromNode);
    }

    /**
     * disconnectSockets from host A, host B and Node, each of sockets of the two other servers (picked by their ids):
     * those are disconnected by their server, no other client is.
     */
    @Test
    @Order(8)
    void disconnectSocketsFromEveryServer() throws Exception {
        HostClient aJava = pick(c -> c.server.equals("A") && c instanceof HostClient.Java && c.room.equals(R2));
        HostClient aJs = pick(c -> c.server.equals("A") && c instanceof HostClient.Js && c.room.equals(R2));
        HostClient bJava = pick(c -> c.server.equals("B") && c instanceof HostClient.Java && c.room.equals(R2));
        HostClient bJs = pick(c -> c.server.equals("B") && c instanceof HostClient.Js && c.room.equals(R2));
        HostClient nJava = pick(c -> c.server.equals(NODE) && c instanceof HostClient.Java && c.room.equals(R2));
        HostClient nJs = pick(c -> c.server.equals(NODE) && c instanceof HostClient.Js && c.room.equals(R2));

        assertTrue(on("A1").ack("disconnect-all", selection(ids(bJava, nJava))).asBoolean());
        assertTrue(on("B2").ack("disconnect-all", selection(ids(aJava, nJs))).asBoolean());
        node.call(NodePeer.command("disconnectSockets").<ObjectNode> set("rooms", ids(aJs, bJs)).put("close", false));

        List<HostClient> victims = List.of(bJava, nJava, aJava, nJs, aJs, bJs);
        for (HostClient victim : victims) {
            eventually(victim::disconnects, d -> !d.isEmpty(), Duration.ofSeconds(5), victim + " disconnected");
            assertEquals(List.of("io server disconnect"), victim.disconnects(), "how " + victim + " was disconnected");
        }
        Thread.sleep(300);
        for (HostClient other : cast) {
            if (!victims.contains(other)) {
                assertEquals(List.of(), other.disconnects(), other + " stays connected");
            }
        }
        Map<String, String> r2Left = names(members(R2).stream().filter(c -> !victims.contains(c)).toList());
        assertEquals(r2Left, nodeFetch(R2), "Node's fetchSockets(r2) after the disconnections");
    }

    // ------------------------------------------------------------------ 2. a worker killed under load

    /**
     * While Node broadcasts 1..N to the room "load" and a client of host B sends 1..M to it through its worker, worker
     * 2 of host A is stopped (SIGSTOP), a fetchSockets from host B starts and must wait for it, then the worker is
     * killed (SIGKILL): the fetch answers well under the requests-timeout, every client of host B (both workers, both
     * kinds) gets both streams whole, once each and in order, and so do the other survivors; the worker is restarted.
     */
    @Test
    @Order(9)
    void aWorkerKilledUnderBroadcastLoad() throws Exception {
        closeAll(cast);
        closeAll(castProcesses);
        int victimIndex = 2;
        long victimPid = hostA.awaitWorkersReady(2, Duration.ofSeconds(30)).get(victimIndex);
        List<HostClient> clients = new ArrayList<>();
        List<AutoCloseable> processes = new ArrayList<>();
        ExecutorService streams = Executors.newFixedThreadPool(3);
        try {
            for (String host : List.of("A", "B")) {
                for (int i = 0; i < 2; i++) {
                    clients.add(HostClient.Java.connect("L" + host + "-j" + i, host, host(host).uri(), "load"));
                }
                NodeClients js = NodeClients.connect(name + "-load-" + host + "-js", host, host(host).uri(),
                        "L" + host + "-s", List.of("load", "load"));
                processes.add(js);
                clients.addAll(js.clients());
            }
            NodeClients js = NodeClients.connect(name + "-load-node-js", NODE, node.uri(), "LN-s", List.of("load"));
            processes.add(js);
            clients.addAll(js.clients());
            List<HostClient> hostB = clients.stream().filter(c -> c.server.equals("B")).toList();
            assertEquals(Set.of(1, 2), hostB.stream().map(HostClient::worker).collect(Collectors.toSet()),
                    "host B's clients are on both its workers: " + hostB);
            assertTrue(clients.stream().anyMatch(c -> c.server.equals("A") && c.worker() == victimIndex),
                    "clients on the victim: " + clients);
            List<HostClient> survivors = clients.stream().filter(c -> !(c.server.equals("A")
                    && c.worker() == victimIndex)).toList();
            HostClient sender = hostB.stream().filter(c -> c instanceof HostClient.Java).findFirst().orElseThrow();
            HostClient fetcher = hostB.stream().filter(c -> c instanceof HostClient.Java && c != sender).findFirst()
                    .orElseThrow();

            int fromNode = 600;
            int fromB = 300;
            Future<?> nodeStream = streams.submit(() -> {
                for (int i = 1; i <= fromNode; i++) {
                    node.send(broadcast(List.of("load"), "seq", null).set("args", NodeProcess.MAPPER.createArrayNode()
                            .add(i)));
                    Thread.sleep(5);
                }
                return null;
            });
            Future<?> bStream = streams.submit(() -> {
                for (int i = 1; i <= fromB; i++) {
                    sender.emit("chat", selection(List.of("load")).put("text", "b-" + i));
                    Thread.sleep(10);
                }
                return null;
            });

            Thread.sleep(800); // under load
            PackagedCluster.sigstop(victimPid);
            long fetchStarted = System.nanoTime();
            CompletableFuture<JsonNode> fetch = CompletableFuture.supplyAsync(() -> {
                try {
                    return fetcher.ack("fetch", emptyObject());
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, streams);
            Thread.sleep(700);
            assertFalse(fetch.isDone(), "fetchSockets did not wait for the stopped worker: " + fetch.getNow(null));
            long killedAt = System.nanoTime();
            PackagedCluster.kill9(victimPid);
            JsonNode fetched = HostClient.await(fetch, "fetchSockets after the kill");
            long afterKill = millisSince(killedAt);
            report(name,
                    "%s: fetchSockets from %s answered %d ms after SIGKILL of worker A%d (started %d ms before the kill)",
                    kind, fetcher.where(), afterKill, victimIndex, (killedAt - fetchStarted) / 1_000_000);
            assertTrue(fetched.isArray(), "fetchSockets after the kill: " + fetched);
            assertTrue(afterKill < AFTER_KILL.toMillis(), "fetchSockets answered " + afterKill + " ms after the kill, "
                    + "not well under the requests-timeout of " + REQUESTS_TIMEOUT.toMillis() + " ms");
            assertTrue(fetched(fetched).keySet().containsAll(survivors.stream().map(HostClient::id).toList()),
                    "every survivor found: " + fetched);

            get(nodeStream);
            get(bStream);
            List<String> nodeSeq = IntStream.rangeClosed(1, fromNode).mapToObj(Integer::toString).toList();
            List<String> bSeq = IntStream.rangeClosed(1, fromB).mapToObj(i -> "b-" + i).toList();
            for (HostClient client : survivors) {
                eventually(() -> client.got("seq").size() >= fromNode && client.count("chat", "b-" + fromB) > 0,
                        done -> done, Duration.ofSeconds(15), client + " got the last of both streams");
            }
            Thread.sleep(300); // anything duplicated would be here now
            List<String> wrong = new ArrayList<>();
            for (HostClient client : survivors) {
                sequenceProblem(nodeSeq, client.got("seq")).ifPresent(p -> wrong.add(client + ", Node's: " + p));
                sequenceProblem(bSeq, client.got("chat")).ifPresent(p -> wrong.add(client + ", host B's: " + p));
            }
            assertEquals(List.of(), wrong, "every survivor gets both streams whole, once each, in order");
            PackagedCluster.Restart restart = hostA.awaitRestart(victimIndex, victimPid, Duration.ofSeconds(10));
            report(name,
                    "%s: worker A%d restarted as pid %d; every survivor (%d clients) got %d + %d broadcasts once, in "
                            + "order",
                    kind, victimIndex, restart.newPid(), survivors.size(), fromNode, fromB);
        } finally {
            if (PackagedCluster.alive(victimPid)) {
                ProcessHandle.of(victimPid).ifPresent(ProcessHandle::destroyForcibly);
            }
            streams.shutdownNow();
            closeAll(clients);
            closeAll(processes);
        }
    }

    // ------------------------------------------------------------------ 3. Redis restarted

    /**
     * Redis stops: every worker's readiness goes DOWN with the reason, broadcasts within a worker still reach its
     * clients; Redis starts again on its port: the readiness is UP again, the server count 5, and the next broadcasts
     * from both hosts and Node cross to every server again, once each.
     */
    @Test
    @Order(10)
    void redisRestartedUnderTheServers() throws Exception {
        hostA.awaitWorkersReady(2, Duration.ofSeconds(60));
        eventually(node::serverCount, c -> c == 5, Duration.ofSeconds(20), "Node's serverCount 5 before");
        List<HostClient> clients = new ArrayList<>();
        List<AutoCloseable> processes = new ArrayList<>();
        try {
            for (String host : List.of("A", "B")) {
                clients.addAll(oneJavaClientPerWorker(host, "after"));
                NodeClients js = NodeClients.connect(name + "-after-" + host + "-js", host, host(host).uri(),
                        "R" + host + "-s", List.of("after"));
                processes.add(js);
                clients.addAll(js.clients());
            }
            clients.add(HostClient.Java.connect("RN-j0", NODE, node.uri(), "after"));
            NodeClients js = NodeClients.connect(name + "-after-node-js", NODE, node.uri(), "RN-s", List.of("after"));
            processes.add(js);
            clients.addAll(js.clients());
            HostClient fromA = clients.get(0);
            fromA.ack("chat", selection(List.of("after")).put("text", "before-restart"));
            assertDeliveredOnce("chat", List.of("before-restart"), clients, List.of());

            long stopped = System.nanoTime();
            redis.stop();
            Map<String, Long> down = new TreeMap<>();
            for (String host : List.of("A", "B")) {
                for (int worker = 1; worker <= 2; worker++) {
                    JsonNode check = ClusterHealth.awaitSocketIOCheck(http, host(host).workerManagementUri(worker), 503);
                    down.put(host + worker, millisSince(stopped));
                    assertEquals("DOWN", check.path("status").asText(), check.toString());
                    assertTrue(check.path("data").path("reason").asText().contains("Redis"),
                            "the reason names Redis: " + check);
                }
            }
            report(name, "%s: Redis stopped; readiness DOWN after (ms, the workers asked one after the other) %s", kind,
                    down);

            // local traffic goes on: a broadcast of each worker reaches its own clients of the room
            for (HostClient sender : clients.stream().filter(c -> c instanceof HostClient.Java
                    && !c.server.equals(NODE)).toList()) {
                String text = "local-" + sender.where();
                sender.ack("chat", selection(List.of("after")).put("text", text));
                for (HostClient neighbour : clients) {
                    if (neighbour.server.equals(sender.server) && neighbour.worker() == sender.worker()) {
                        eventually(() -> neighbour.count("chat", text), n -> n == 1, Duration.ofSeconds(5),
                                neighbour + " got " + text + " while Redis is away");
                    }
                }
            }
            Thread.sleep(1000);
            assertFalse(redis.isRunning());

            long restarted = System.nanoTime();
            redis.start();
            Map<String, Long> up = new TreeMap<>();
            for (String host : List.of("A", "B")) {
                for (int worker = 1; worker <= 2; worker++) {
                    JsonNode check = ClusterHealth.awaitSocketIOCheck(http, host(host).workerManagementUri(worker), 200);
                    up.put(host + worker, millisSince(restarted));
                    assertEquals("UP", check.path("status").asText(), check.toString());
                }
            }
            report(name, "%s: Redis away for %d ms; readiness UP after (ms, asked one after the other) %s", kind,
                    (restarted - stopped) / 1_000_000, up);
            assertEquals(5, (int) eventually(node::serverCount, c -> c == 5, Duration.ofSeconds(10),
                    "Node's serverCount 5 after the restart"), "Node's serverCount after the restart");
            assertEquals(5, fromA.ack("count", emptyObject()).asInt(), "serverCount from " + fromA.where());

            List<String> texts = new ArrayList<>();
            for (HostClient sender : List.of(fromA, clients.stream().filter(c -> c.server.equals("B")).findFirst()
                    .orElseThrow())) {
                String text = "after-restart-from-" + sender.where();
                texts.add(text);
                sender.ack("chat", selection(List.of("after")).put("text", text));
            }
            texts.add("after-restart-from-node");
            node.call(broadcast(List.of("after"), "chat", "after-restart-from-node"));
            assertDeliveredOnce("chat", texts, clients, List.of());
            report(name, "%s: after the restart, broadcasts from A, B and Node reached all %d clients once", kind,
                    clients.size());
        } finally {
            if (!redis.isRunning()) {
                redis.start();
            }
            closeAll(clients);
            closeAll(processes);
        }
    }

    /** The last of the Admin UI's notices whose argument at {@code index} is {@code id}, or null. */
    private static JsonNode notice(List<JsonNode> notices, int index, String id) {
        synchronized (notices) {
            JsonNode found = null;
            for (JsonNode notice : notices) {
                if (notice.path(index).asText().equals(id)) {
                    found = notice;
                }
            }
            return found;
        }
    }

    /** Java clients connected to {@code host} until each of its two workers holds one (at most six tries). */
    private List<HostClient> oneJavaClientPerWorker(String host, String room) throws Exception {
        Map<Integer, HostClient> byWorker = new TreeMap<>();
        List<HostClient> extra = new ArrayList<>();
        for (int i = 0; i < 6 && byWorker.size() < 2; i++) {
            HostClient client = HostClient.Java.connect("R" + host + "-j" + i, host, host(host).uri(), room);
            if (byWorker.putIfAbsent(client.worker(), client) != null) {
                extra.add(client);
            }
        }
        assertEquals(Set.of(1, 2), byWorker.keySet(), "clients on both workers of host " + host);
        List<HostClient> all = new ArrayList<>(byWorker.values());
        all.addAll(extra);
        return all;
    }

    // ------------------------------------------------------------------ helpers

    private PackagedCluster host(String host) {
        return host.equals("A") ? hostA : hostB;
    }

    /** A client of the cast on {@code where} ({@code A1}, {@code B2}...), a Java one when there is one. */
    private HostClient on(String where) {
        return cast.stream().filter(c -> c.where().equals(where) && c.disconnects().isEmpty())
                .sorted((x, y) -> Boolean.compare(y instanceof HostClient.Java, x instanceof HostClient.Java))
                .findFirst().orElseThrow(() -> new AssertionError("no client on " + where + ": " + cast));
    }

    private HostClient pick(Predicate<HostClient> which) {
        return cast.stream().filter(which).findFirst().orElseThrow(() -> new AssertionError("no such client: " + cast));
    }

    private HostClient byId(String id) {
        return cast.stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("a socket no client has: " + id + " " + cast));
    }

    private List<HostClient> members(String room) {
        return cast.stream().filter(c -> c.room.equals(room)).toList();
    }

    private Set<Long> javaWorkerPids() {
        Set<Long> pids = new TreeSet<>();
        pids.addAll(hostA.readyWorkers().values());
        pids.addAll(hostB.readyWorkers().values());
        assertEquals(4, pids.size(), "four Java workers: " + pids);
        return pids;
    }

    /** id -> data.name of the clients. */
    private static Map<String, String> names(Collection<HostClient> clients) {
        Map<String, String> names = new TreeMap<>();
        clients.forEach(c -> names.put(c.id(), c.name));
        return names;
    }

    /** id -> data.name of a fetchSockets answer of the Java fixture; fails on an error or a socket found twice. */
    private static Map<String, String> fetched(JsonNode answer) {
        assertTrue(answer.isArray(), "fetchSockets answered " + answer);
        Map<String, String> found = new TreeMap<>();
        for (JsonNode socket : answer) {
            String previous = found.put(socket.path("id").asText(), socket.path("data").path("name").asText());
            assertTrue(previous == null, "found twice: " + socket + " in " + answer);
        }
        return found;
    }

    private Map<String, String> nodeFetch(String room) throws Exception {
        JsonNode answer = node.call(NodePeer.command("fetchSockets").set("rooms", strings(List.of(room))));
        Map<String, String> found = new TreeMap<>();
        answer.path("sockets").forEach(s -> found.put(s.path("id").asText(), s.path("data").path("name").asText()));
        assertEquals(answer.path("sockets").size(), found.size(), "each socket once: " + answer);
        return found;
    }

    private static List<String> ackNames(JsonNode acks) {
        List<String> names = new ArrayList<>();
        acks.forEach(a -> names.add(a.path("name").asText()));
        names.sort(null);
        return names;
    }

    private static Set<String> textsOf(JsonNode array) {
        Set<String> texts = new TreeSet<>();
        array.forEach(t -> texts.add(t.asText()));
        return texts;
    }

    private static ObjectNode emptyObject() {
        return NodeProcess.MAPPER.createObjectNode();
    }

    /** The Java fixture's selection {@code {in: rooms}}. */
    private static ObjectNode selection(ArrayNode rooms) {
        ObjectNode selection = emptyObject();
        selection.set("in", rooms);
        return selection;
    }

    private static ObjectNode selection(List<String> rooms) {
        return selection(strings(rooms));
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = NodeProcess.MAPPER.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private static ArrayNode ids(HostClient... clients) {
        ArrayNode array = NodeProcess.MAPPER.createArrayNode();
        for (HostClient client : clients) {
            array.add(client.id());
        }
        return array;
    }

    /** The Node peer's broadcast of {@code event} with one text argument (none when {@code text} is null) to rooms. */
    private static ObjectNode broadcast(List<String> rooms, String event, String text) {
        ObjectNode command = NodePeer.command("broadcast").put("event", event);
        command.set("rooms", strings(rooms));
        ArrayNode args = command.putArray("args");
        if (text != null) {
            args.add(text);
        }
        return command;
    }

    /**
     * Waits until every member got each text once at least, then a little longer for duplicates; then each member
     * must have each exactly once, and the others none.
     */
    private static void assertDeliveredOnce(String event, Collection<String> texts, Collection<HostClient> members,
            Collection<HostClient> others) throws Exception {
        for (HostClient member : members) {
            for (String text : texts) {
                eventually(() -> member.count(event, text), n -> n > 0, Duration.ofSeconds(10),
                        member + " got " + event + " '" + text + "' (it got " + member.got(event) + ")");
            }
        }
        Thread.sleep(300);
        List<String> wrong = new ArrayList<>();
        for (HostClient member : members) {
            for (String text : texts) {
                if (member.count(event, text) != 1) {
                    wrong.add(member + " got '" + text + "' " + member.count(event, text) + " times");
                }
            }
        }
        for (HostClient other : others) {
            for (String text : texts) {
                if (other.count(event, text) != 0) {
                    wrong.add(other + ", not a member, got '" + text + "' " + other.count(event, text) + " times");
                }
            }
        }
        assertEquals(List.of(), wrong, "each member gets each broadcast exactly once, the others none");
    }

    /** What is wrong with a stream a client got, if anything: what is missing, duplicated or out of order. */
    static Optional<String> sequenceProblem(List<String> expected, List<String> got) {
        if (expected.equals(got)) {
            return Optional.empty();
        }
        Map<String, Long> counts = got.stream().collect(Collectors.groupingBy(t -> t, Collectors.counting()));
        List<String> missing = expected.stream().filter(t -> !counts.containsKey(t)).toList();
        List<String> twice = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        int first = 0;
        while (first < Math.min(expected.size(), got.size()) && expected.get(first).equals(got.get(first))) {
            first++;
        }
        return Optional.of(got.size() + " of " + expected.size() + " received; first difference at #" + first
                + " (expected " + (first < expected.size() ? expected.get(first) : "nothing") + ", got "
                + (first < got.size() ? got.get(first) : "nothing") + "); missing " + abbreviate(missing)
                + "; more than once " + abbreviate(twice));
    }

    private static String abbreviate(List<String> items) {
        return items.size() <= 10 ? items.toString() : items.subList(0, 10) + " and " + (items.size() - 10) + " more";
    }

    /** Asks {@code probe} every 100 ms until {@code done} takes its value; fails after {@code timeout} with the last. */
    static <T> T eventually(Callable<T> probe, Predicate<T> done, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last;
        while (true) {
            last = probe.call();
            if (done.test(last)) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                fail("not " + what + " within " + timeout.toMillis() + " ms; last: " + last);
            }
            Thread.sleep(100);
        }
    }

}
