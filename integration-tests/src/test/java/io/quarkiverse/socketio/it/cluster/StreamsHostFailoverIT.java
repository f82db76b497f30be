package io.quarkiverse.socketio.it.cluster;

import static io.quarkiverse.socketio.it.cluster.Timings.millisSince;
import static io.quarkiverse.socketio.it.cluster.Timings.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A whole host dies under the Redis streams adapter with connection state recovery, and its clients come back on the
 * other host as if nothing had happened: two hosts, each the packaged application as a cluster of two workers with
 * {@code quarkus.socketio.adapter=redis-streams} and {@code quarkus.socketio.connection-state-recovery.enabled=true},
 * HAProxy in front of both with the recipe of {@code docs/modules/ROOT/pages/multi-host.adoc} (read from the docs by
 * {@link HAProxy}), a Node.js server on Node's streams adapter, one {@code redis-server}.
 * <p>
 * Official JavaScript clients (socket.io-client 4.8, reconnection on, as a browser has it) connect through HAProxy to
 * {@code /cluster}, half over WebSocket only, half over long-polling then WebSocket with {@code withCredentials} (they
 * send the {@code io} cookie back); most are in the room {@value #ROOM}, one of each kind in {@value #QUIET} (and more
 * in {@value #QUIET} until one of them is on host A). A Java client
 * of host B and the Node server send numbered broadcasts to {@value #ROOM}, every {@value #PERIOD_MS} ms each, before,
 * during and after the outage; another Java client of host B watches. (Java clients only send and watch here: the
 * official Java client 2.1 does not implement connection state recovery, it sends no {@code pid} and offset back.)
 * Then host A's primary and both its workers get SIGKILL in one go.
 * <p>
 * Every client of host A must come back by itself through HAProxy (whose health check and {@code option redispatch}
 * send it to host B), {@code recovered}, with the socket id it had, on a worker of host B, and must have received every
 * broadcast of both senders exactly once and in the stream's order: the ones it got before the kill, then the ones it
 * missed, then the live ones, with no gap between them. Every client of host B must have received the same without
 * noticing anything. The stream's order is checked through the offsets (stream entry ids) the broadcasts carry: each
 * client's are strictly increasing, and a broadcast has the same offset at every client.
 * <p>
 * The measured times (HAProxy marking the host down, each client's recovery after the kill) go to the test's output
 * and to {@code target/cluster-it/StreamsHostFailoverIT-timings.txt}.
 */
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamsHostFailoverIT {

    static final String ROOM = "news";
    /** A room nobody broadcasts to: its members must get nothing of {@value #ROOM}, replayed or live. */
    static final String QUIET = "quiet";
    /** Each sender broadcasts once every this many ms. */
    static final int PERIOD_MS = 20;
    /** At most this long from the kill until every client of host A recovered. */
    static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(30);
    static final Pattern OFFSET = Pattern.compile("(\\d+)-(\\d+)");

    private final String name = getClass().getSimpleName();
    private RedisServerProcess redis;
    private PackagedCluster hostA;
    private PackagedCluster hostB;
    private NodePeer node;
    private HAProxy haproxy;
    private final List<AutoCloseable> clientProcesses = new ArrayList<>();
    private final List<HostClient> javaClients = new ArrayList<>();

    @BeforeAll
    void startServers() throws Exception {
        HAProxy.requireInstalled(); // before two clusters are started for nothing
        long started = System.nanoTime();
        redis = RedisServerProcess.start(name);
        ExecutorService starting = Executors.newFixedThreadPool(2);
        try {
            Future<PackagedCluster> a = starting.submit(() -> startHost("hostA"));
            Future<PackagedCluster> b = starting.submit(() -> startHost("hostB"));
            node = NodePeer.start(name, RedisKind.STREAMS, redis, null);
            hostA = a.get(150, TimeUnit.SECONDS);
            hostB = b.get(150, TimeUnit.SECONDS);
        } finally {
            starting.shutdown();
        }
        hostA.awaitWorkersReady(2, Duration.ofSeconds(60));
        hostB.awaitWorkersReady(2, Duration.ofSeconds(60));
        haproxy = HAProxy.start(name, HAProxy.recipe(List.of(hostA.port(), hostB.port())));
        RedisHosts.eventually(node::serverCount, c -> c == 5, Duration.ofSeconds(20), "Node's serverCount 5");
        report(name, "servers started in %d ms (Redis on %d, host A on %d, host B on %d, Node on %d, HAProxy on %d)",
                millisSince(started), redis.port(), hostA.port(), hostB.port(), node.port(), haproxy.uri().getPort());
    }

    private PackagedCluster startHost(String host) throws Exception {
        return PackagedCluster.start(name + "-" + host, Duration.ofSeconds(120),
                RedisKind.STREAMS.javaArgs(redis, "-Dquarkus.socketio.connection-state-recovery.enabled=true",
                        "-Dquarkus.socketio.cookie.enabled=true"));
    }

    @AfterAll
    void stopServers() {
        closeAll(javaClients);
        closeAll(clientProcesses);
        closeAll(Arrays.asList(haproxy, node, hostA, hostB, redis));
    }

    @Test
    void theClientsOfAKilledHostRecoverOnTheOtherWithEveryBroadcastInOrder() throws Exception {
        // --- clients through HAProxy: 8 over WebSocket only, 8 over polling then WebSocket keeping the cookie
        List<HostClient.Js> viaHAProxy = new ArrayList<>();
        List<String> rooms = List.of(ROOM, ROOM, ROOM, QUIET, ROOM, ROOM, ROOM, ROOM);
        ObjectNode websocket = NodeProcess.MAPPER.createObjectNode().put("reconnection", true);
        viaHAProxy.addAll(connect("ws", websocket, rooms));
        ObjectNode polling = NodeProcess.MAPPER.createObjectNode().put("reconnection", true)
                .put("withCredentials", true);
        polling.putArray("transports").add("polling").add("websocket");
        viaHAProxy.addAll(connect("poll", polling, rooms));
        // the senders' side: a Java client of host B sends, another watches
        HostClient.Java sender = HostClient.Java.connect("B-java-sender", "B", hostB.uri(), ROOM);
        javaClients.add(sender);
        HostClient.Java watcher = HostClient.Java.connect("B-java-watcher", "B", hostB.uri(), ROOM);
        javaClients.add(watcher);

        Set<Long> pidsA = Set.copyOf(hostA.readyWorkers().values());
        Set<Long> pidsB = Set.copyOf(hostB.readyWorkers().values());
        // least-connection routing spreads the clients, but which lands where is chance: a member of QUIET on host A
        // is needed, so more of them connect until one is there
        for (int extra = 0; extra < 5 && viaHAProxy.stream().noneMatch(c -> c.room.equals(QUIET) && pidsA.contains(
                c.pid())); extra++) {
            viaHAProxy.addAll(connect("quiet" + extra + "-", websocket, List.of(QUIET, QUIET)));
        }
        Map<HostClient.Js, String> placeBefore = new LinkedHashMap<>();
        for (HostClient.Js client : viaHAProxy) {
            placeBefore.put(client, place(client.pid(), client.worker(), pidsA, pidsB));
        }
        List<HostClient.Js> ofA = viaHAProxy.stream().filter(c -> pidsA.contains(c.pid())).toList();
        List<HostClient.Js> ofB = viaHAProxy.stream().filter(c -> pidsB.contains(c.pid())).toList();
        report(name, "%d JavaScript clients through HAProxy: %s", viaHAProxy.size(), placeBefore.entrySet().stream()
                .map(e -> e.getKey().name + "@" + e.getValue()).collect(Collectors.joining(" ")));
        assertEquals(viaHAProxy.size(), ofA.size() + ofB.size(), "every client is on host A or B: " + placeBefore);
        assertEquals(Set.of(1, 2), ofA.stream().map(HostClient::worker).collect(Collectors.toSet()),
                "clients on both workers of host A: " + placeBefore);
        assertTrue(ofB.size() >= 2, "clients on host B: " + placeBefore);
        assertTrue(ofA.stream().anyMatch(c -> c.room.equals(QUIET)), "a member of " + QUIET + " on host A: "
                + placeBefore);
        for (String kind : List.of("ws", "poll")) {
            assertTrue(ofA.stream().anyMatch(c -> c.name.startsWith(kind) && c.room.equals(ROOM)),
                    "a " + kind + " client of " + ROOM + " on host A: " + placeBefore);
        }
        Map<HostClient.Js, String> idsBefore = new LinkedHashMap<>();
        viaHAProxy.forEach(c -> idsBefore.put(c, c.id()));

        // --- numbered broadcasts to ROOM from host B and from Node, before, during and after the outage
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger fromB = new AtomicInteger();
        AtomicInteger fromNode = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(2);
        List<Future<?>> streams = new ArrayList<>();
        streams.add(senders.submit(() -> {
            while (sending.get()) {
                sender.emit("chat", chat("b-" + fromB.incrementAndGet()));
                Thread.sleep(PERIOD_MS);
            }
            return null;
        }));
        streams.add(senders.submit(() -> {
            while (sending.get()) {
                ObjectNode command = NodePeer.command("broadcast").put("event", "chat");
                command.putArray("rooms").add(ROOM);
                command.putArray("args").add("n-" + fromNode.incrementAndGet());
                node.send(command);
                Thread.sleep(PERIOD_MS);
            }
            return null;
        }));
        long killedAt;
        List<Long> killed;
        try {
            Thread.sleep(1500);
            for (HostClient.Js client : ofA) {
                assertTrue(client.room.equals(QUIET) || client.got("chat").size() > 10,
                        client.name + " got broadcasts before the kill: " + client.got("chat"));
            }

            // --- host A dies: its primary and both workers at once
            killedAt = System.nanoTime();
            killed = hostA.kill9Host();
            report(name, "host A killed (SIGKILL to pids %s, the primary first) after b-%d and n-%d", killed,
                    fromB.get(),
                    fromNode.get());

            // --- its clients come back through HAProxy, on host B
            long markedDown = -1;
            Map<String, Long> recoveredAfter = new TreeMap<>();
            long deadline = killedAt + RECOVERY_TIMEOUT.toNanos();
            while (recoveredAfter.size() < ofA.size() || markedDown < 0) {
                if (markedDown < 0 && haproxy.serverStatus("hostA").startsWith("DOWN")) {
                    markedDown = millisSince(killedAt);
                }
                for (HostClient.Js client : ofA) {
                    List<HostClient.Js.Connection> connections = client.connections();
                    if (connections.size() > 1 && !recoveredAfter.containsKey(client.name)) {
                        recoveredAfter.put(client.name, (connections.get(1).at() - killedAt) / 1_000_000);
                    }
                }
                assertTrue(System.nanoTime() < deadline, "within " + RECOVERY_TIMEOUT.toMillis()
                        + " ms of the kill: HAProxy marked host A down after " + markedDown + " ms; clients of A "
                        + "reconnected after (ms) " + recoveredAfter + " of " + names(ofA) + haproxy.describe());
                Thread.sleep(20);
            }
            report(name,
                    "HAProxy marked host A DOWN %d ms after the kill; every client of host A was back %d ms after it",
                    markedDown, recoveredAfter.values().stream().max(Long::compare).orElseThrow());

            Thread.sleep(1500); // live broadcasts to the recovered clients
        } finally {
            sending.set(false);
            for (Future<?> stream : streams) {
                stream.get(10, TimeUnit.SECONDS);
            }
            senders.shutdownNow();
        }
        int lastB = fromB.get();
        int lastNode = fromNode.get();

        // --- everyone gets everything: each broadcast once, in the stream's order, with no gap
        List<HostClient> inRoom = new ArrayList<>();
        viaHAProxy.stream().filter(c -> c.room.equals(ROOM)).forEach(inRoom::add);
        inRoom.add(sender);
        inRoom.add(watcher);
        for (HostClient client : inRoom) {
            RedisHosts.eventually(() -> client.count("chat", "b-" + lastB) > 0 && client.count("chat", "n-" + lastNode) > 0,
                    done -> done, Duration.ofSeconds(15), client.name + " got b-" + lastB + " and n-" + lastNode);
        }
        Thread.sleep(300); // anything duplicated would be here now
        List<String> expectedB = IntStream.rangeClosed(1, lastB).mapToObj(i -> "b-" + i).toList();
        List<String> expectedNode = IntStream.rangeClosed(1, lastNode).mapToObj(i -> "n-" + i).toList();
        Map<String, String> offsets = new TreeMap<>(); // text -> offset, from the first client that got it
        List<String> wrong = new ArrayList<>();
        for (HostClient client : inRoom) {
            List<HostClient.Event> chats = client.events("chat");
            List<String> texts = chats.stream().map(e -> e.args().path(0).asText()).toList();
            RedisHosts.sequenceProblem(expectedB, texts.stream().filter(t -> t.startsWith("b-")).toList())
                    .ifPresent(p -> wrong.add(client.name + ", host B's: " + p));
            RedisHosts.sequenceProblem(expectedNode, texts.stream().filter(t -> t.startsWith("n-")).toList())
                    .ifPresent(p -> wrong.add(client.name + ", Node's: " + p));
            long[] previous = null;
            for (HostClient.Event chat : chats) {
                String text = chat.args().path(0).asText();
                String offset = chat.args().path(chat.args().size() - 1).asText();
                long[] parsed = parseOffset(offset);
                if (parsed == null) {
                    wrong.add(client.name + ": " + text + " came without an offset: " + chat.args());
                    continue;
                }
                if (previous != null && compare(previous, parsed) >= 0) {
                    wrong.add(client.name + ": " + text + " (" + offset + ") after " + previous[0] + "-" + previous[1]);
                }
                previous = parsed;
                String known = offsets.putIfAbsent(text, offset);
                if (known != null && !known.equals(offset)) {
                    wrong.add(client.name + ": " + text + " has offset " + offset + ", elsewhere " + known);
                }
            }
        }
        for (HostClient.Js client : viaHAProxy) {
            if (client.room.equals(QUIET) && !client.got("chat").isEmpty()) {
                wrong.add(client.name + " is not in " + ROOM + " but got " + client.got("chat"));
            }
        }
        assertEquals(List.of(), wrong, "every client of " + ROOM + " gets both streams whole, once each, in the "
                + "stream's order");

        // --- the clients of A: recovered, same id, on host B, the broadcasts they missed replayed first; those of B
        // untouched
        List<String> timeline = new ArrayList<>();
        List<Long> noticed = new ArrayList<>();
        List<Long> back = new ArrayList<>();
        for (HostClient.Js client : ofA) {
            List<HostClient.Js.Connection> connections = client.connections();
            List<HostClient.Js.Disconnection> disconnections = client.disconnections();
            assertEquals(2, connections.size(), client.name + " connected twice: " + connections);
            assertEquals(1, disconnections.size(), client.name + " lost its connection once: " + disconnections);
            HostClient.Js.Connection again = connections.get(1);
            HostClient.Js.Disconnection lost = disconnections.get(0);
            assertTrue(again.recovered(), client.name + " recovered its session: " + connections);
            assertEquals(idsBefore.get(client), again.id(), client.name + " kept its socket id");
            assertEquals("transport close", lost.reason(), client.name + "'s disconnection");
            String now = place(client.pid(), client.worker(), pidsA, pidsB);
            assertTrue(now.startsWith("B"), client.name + " is on host B now (its welcome): " + now);
            noticed.add((lost.at() - killedAt) / 1_000_000);
            back.add((again.at() - killedAt) / 1_000_000);
            // socket.io-client hands the replayed events over before its connect event, the live ones after it
            long replayed = client.eventsFrom(lost.eventsBefore()).stream().limit(again.eventsBefore()
                    - lost.eventsBefore()).filter(e -> e.name().equals("chat")).count();
            if (client.room.equals(ROOM)) {
                assertTrue(replayed > 0, client.name + " got what it missed replayed: " + client.events("chat"));
            } else {
                assertEquals(0, replayed, client.name + " of " + QUIET + " got nothing replayed");
            }
            timeline.add(String.format("%s %s->%s: lost %d ms, back %d ms after the kill, %d replayed", client.name,
                    placeBefore.get(client), now, noticed.get(noticed.size() - 1), back.get(back.size() - 1),
                    replayed));
        }
        for (HostClient.Js client : ofB) {
            assertEquals(1, client.connections().size(), client.name + " of host B connected once");
            assertEquals(List.of(), client.disconnects(), client.name + " of host B was not disconnected");
            assertEquals(placeBefore.get(client), place(client.pid(), client.worker(), pidsA, pidsB), client.name);
        }
        for (HostClient client : List.of(sender, watcher)) {
            assertEquals(List.of(), client.disconnects(), client.name + " was not disconnected");
        }
        List<String> connectErrors = new ArrayList<>();
        viaHAProxy.forEach(c -> c.connectErrors().forEach(e -> connectErrors.add(c.name + ": " + e)));
        report(name,
                "the %d clients of host A: lost their connection after (ms) %s, recovered after (ms) min %d, median "
                        + "%d, max %d; %s",
                ofA.size(), summary(noticed), back.stream().min(Long::compare).orElseThrow(),
                back.stream().sorted().toList().get(back.size() / 2), back.stream().max(Long::compare).orElseThrow(),
                timeline);

        // --- what HAProxy did (it logs a request when it ends: the WebSockets once their clients closed)
        closeAll(clientProcesses);
        Thread.sleep(500);
        long redispatched = haproxy.logLines(Pattern.compile(" \\d+/\\d+/\\d+/\\d+/\\+\\d+ "));
        long sessionUnknown = haproxy.answered(400);
        long unavailable = haproxy.answered(503);
        report(name, "%d + %d broadcasts, each received once by every client of %s in the stream's order; HAProxy: %d "
                + "requests redispatched from host A to host B, %d answered 400, %d answered 503; failed connection "
                + "attempts of the clients: %s", lastB, lastNode, ROOM, redispatched, sessionUnknown, unavailable,
                connectErrors);
        assertEquals(0, sessionUnknown, "no request answered \"Session ID unknown\"" + haproxy.describe());
        assertEquals(List.of(), connectErrors, "no connection attempt failed");
    }

    private static String summary(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return "min " + sorted.get(0) + ", median " + sorted.get(sorted.size() / 2) + ", max "
                + sorted.get(sorted.size() - 1);
    }

    private List<HostClient.Js> connect(String kind, ObjectNode options, List<String> rooms) throws Exception {
        NodeClients js = NodeClients.connect(name + "-" + kind, "lb", haproxy.uri(), kind, rooms, options);
        clientProcesses.add(js);
        return js.clients();
    }

    /** {@code A1}, {@code B2}: the host and worker of a pid. */
    private static String place(long pid, int worker, Set<Long> pidsA, Set<Long> pidsB) {
        return (pidsA.contains(pid) ? "A" : pidsB.contains(pid) ? "B" : "?" + pid + "/") + worker;
    }

    private static ObjectNode chat(String text) {
        ObjectNode chat = NodeProcess.MAPPER.createObjectNode().put("text", text);
        ArrayNode in = chat.putArray("in");
        in.add(ROOM);
        return chat;
    }

    private static String names(Collection<? extends HostClient> clients) {
        return clients.stream().map(c -> c.name).toList().toString();
    }

    /** A stream entry id {@code <ms>-<seq>} as two numbers, or null. */
    private static long[] parseOffset(String offset) {
        java.util.regex.Matcher m = OFFSET.matcher(offset);
        return m.matches() ? new long[] { Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) } : null;
    }

    private static int compare(long[] a, long[] b) {
        return a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]);
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

}
