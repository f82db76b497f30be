package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The packaged reference application as a cluster of two workers behind the primary, with the official JavaScript
 * client: what a user of the cluster sees on a healthy cluster. One cluster serves every test of the class; none of
 * them changes its processes.
 */
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PackagedCluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = PackagedCluster.start("ClusterIT");
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void applicationCodeRunsInTheWorkersOnly() {
        Map<Integer, Long> ready = cluster.readyWorkers();
        assertEquals(Set.of(1, 2), ready.keySet(), "ready workers" + cluster.describe());
        assertEquals(2, new HashSet<>(ready.values()).size(), "two worker processes" + cluster.describe());
        assertFalse(ready.containsValue(cluster.pid()), "a worker is not the primary" + cluster.describe());

        List<PackagedCluster.Line> started = cluster.matches(PackagedCluster.FIXTURE_STARTED);
        Set<Long> fixturePids = new HashSet<>();
        Set<Integer> fixtureWorkers = new HashSet<>();
        for (PackagedCluster.Line m : started) {
            fixturePids.add(Long.parseLong(m.group(1)));
            fixtureWorkers.add(Integer.parseInt(m.group(2)));
        }
        assertEquals(2, started.size(),
                "the fixture's startup observer ran twice, once per worker" + cluster.describe());
        assertEquals(new HashSet<>(ready.values()), fixturePids,
                "the startup observer ran in the worker processes" + cluster.describe());
        assertEquals(Set.of(1, 2), fixtureWorkers, "each worker knows its index" + cluster.describe());
        assertFalse(fixturePids.contains(cluster.pid()),
                "no application code in the primary (pid " + cluster.pid() + ")" + cluster.describe());
    }

    @Test
    @Order(2)
    void staticPageAndRoutesAreServedThroughThePrimary() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(cluster.uri().resolve("/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), "GET /" + cluster.describe());
        assertEquals(Files.readString(Path.of("src", "main", "resources", "META-INF", "resources", "index.html")),
                page.body(), "GET / serves the reference application's index.html");

        Set<Long> workerPids = new HashSet<>(cluster.readyWorkers().values());
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> info = http.send(HttpRequest.newBuilder(cluster.uri().resolve("/cluster-fixture/info"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, info.statusCode(), "GET /cluster-fixture/info: " + info.body());
            long pid = MAPPER.readTree(info.body()).path("pid").asLong();
            assertTrue(workerPids.contains(pid), "served by a worker " + workerPids + ", not by " + pid);
        }

        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(
                cluster.uri().resolve("/socket.io/?EIO=4&transport=polling&sid=not-a-session"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, unknown.statusCode(), "a sid nobody knows: " + unknown.body());
        JsonNode error = MAPPER.readTree(unknown.body());
        assertEquals(1, error.path("code").asInt(), unknown.body());
        assertEquals("Session ID unknown", error.path("message").asText(), unknown.body());
    }

    /**
     * 200 clients on default transports (polling, then the upgrade) connect at once; every room has members on both
     * workers; every cluster operation is started from a client of each worker and checked on the clients of both.
     */
    @Test
    @Order(3)
    void twoHundredClientsOnTwoWorkers() throws Exception {
        JsonNode r = NodeScript.run("cluster-many", cluster.uri(), "{\"clients\":200}", Duration.ofSeconds(150),
                "ClusterIT");
        String all = "\n" + r.toPrettyString();

        // connections: none failed, none was refused ("Session ID unknown" or any other error), all upgraded
        assertEquals(0, r.path("connectFailureCount").asInt(-1), "clients that could not connect" + all);
        JsonNode problems = r.path("problems");
        assertEquals(0, problems.path("connectErrors").size(), "connect_error events" + all);
        assertEquals(0, problems.path("upgradeErrors").size(), "failed upgrades" + all);
        assertEquals(0, problems.path("disconnects").size(), "disconnects before disconnectSockets" + all);
        assertEquals(0, problems.path("notOnWebSocket").size(), "clients not upgraded to WebSocket" + all);

        // spread: both workers hold clients, and members of every room
        Map<Integer, Long> ready = cluster.readyWorkers();
        assertEquals(200, r.path("distribution").path("1").asInt() + r.path("distribution").path("2").asInt(), all);
        assertTrue(r.path("distribution").path("1").asInt() >= 50 && r.path("distribution").path("2").asInt() >= 50,
                "least-connection spreads a burst of handshakes over both workers" + all);
        r.path("roomWorkers").fields().forEachRemaining(room -> assertEquals("[1,2]", room.getValue().toString(),
                "room " + room.getKey() + " has members on both workers" + all));
        assertEquals(ready.get(1).longValue(), r.path("pids").path("1").asLong(), "welcome pid of worker 1" + all);
        assertEquals(ready.get(2).longValue(), r.path("pids").path("2").asLong(), "welcome pid of worker 2" + all);

        // room broadcasts: every member once, nobody else
        for (String chat : List.of("toRoomFrom1", "unionExceptFrom2")) {
            JsonNode c = r.path("chats").path(chat);
            assertEquals("[1,2]", c.path("expectedWorkers").toString(), chat + ": recipients on both workers" + all);
            assertTrue(c.path("expected").asInt() > 0, chat + all);
            assertEquals(c.path("expected").asInt(), c.path("exactlyOnce").asInt(), chat + ": each member once" + all);
            assertEquals(0, c.path("wrong").size(), chat + ": nobody outside, nobody twice" + all);
        }
        assertEquals(1, r.path("chats").path("toRoomFrom1").path("from").asInt(), all);
        assertEquals(2, r.path("chats").path("unionExceptFrom2").path("from").asInt(), all);

        // fetchSockets from each worker: all 200 with their rooms and data
        for (String fetch : List.of("allFrom1", "allFrom2", "roomG2From2")) {
            JsonNode f = r.path("fetches").path(fetch);
            assertTrue(f.path("error").isMissingNode(), fetch + all);
            assertEquals(f.path("expected").asInt(), f.path("size").asInt(), fetch + ": sockets fetched" + all);
            assertEquals(0, f.path("mismatchCount").asInt(), fetch + ": ids, rooms and data as fetched" + all);
            assertEquals(0, f.path("extra").size(), fetch + ": sockets that should not be there" + all);
            assertTrue(f.path("fromWorkers").path("1").asInt() > 0 && f.path("fromWorkers").path("2").asInt() > 0,
                    fetch + ": sockets of both workers" + all);
        }
        assertEquals(200, r.path("fetches").path("allFrom1").path("size").asInt(), all);
        assertEquals(200, r.path("fetches").path("allFrom2").path("size").asInt(), all);

        // socketsJoin from worker 1, socketsLeave from worker 2, on sockets of both workers
        JsonNode joined = r.path("joined");
        assertEquals("[1,2]", joined.path("membersOnWorkers").toString(), all);
        assertEquals(joined.path("fetch").path("expected").asInt(), joined.path("fetch").path("size").asInt(),
                "fetch in the joined room" + all);
        assertEquals(0, joined.path("fetch").path("mismatchCount").asInt(), all);
        assertEquals(50, joined.path("chat").path("exactlyOnce").asInt(), "a chat to the joined room" + all);
        assertEquals(0, joined.path("chat").path("wrong").size(), all);
        JsonNode left = r.path("left");
        assertEquals(0, left.path("fetch").path("size").asInt(), "nobody in the room after socketsLeave" + all);
        assertEquals(0, left.path("chat").path("wrong").size(), "a chat to the left room reaches nobody" + all);

        // serverSideEmitWithAck: exactly one answer, from the other worker
        for (int from : List.of(1, 2)) {
            int other = 3 - from;
            JsonNode answers = r.path("sse").path(Integer.toString(from)).path("answers");
            assertTrue(answers.isArray(), "sse from " + from + ": " + answers + all);
            assertEquals(1, answers.size(), "sse from worker " + from + ": one answer per other worker" + all);
            assertEquals(other, answers.get(0).path("worker").asInt(), all);
            assertEquals(ready.get(other).longValue(), answers.get(0).path("pid").asLong(), all);
        }

        // emitWithAck to a room: every member's answer, across workers
        JsonNode ask = r.path("ask");
        assertTrue(ask.path("error").isNull(), "ask-all failed: " + ask.path("error") + all);
        assertEquals(ask.path("expected").asInt(), ask.path("answers").asInt(), "one ack per member" + all);
        assertEquals(ask.path("expectedNames"), ask.path("names"), "the members' acks" + all);
        assertEquals("[1,2]", ask.path("answerWorkers").toString(), all);

        // serverCount through each worker
        assertEquals(2, r.path("counts").path("1").asInt(), all);
        assertEquals(2, r.path("counts").path("2").asInt(), all);

        // binary arguments and a 900 KB payload from worker 2 to members on both workers, byte for byte
        JsonNode binary = r.path("binary");
        assertEquals("[1,2]", binary.path("memberWorkers").toString(), all);
        assertEquals(900 * 1024, binary.path("bigBytes").asInt(), all);
        assertEquals("[3,1]", binary.path("acks").toString(), "arguments forwarded" + all);
        assertEquals(0, binary.path("wrongCount").asInt(), "what each member got" + all);

        // disconnectSockets from worker 1: the room's members on both workers, nobody else
        JsonNode disconnect = r.path("disconnect");
        assertEquals("[1,2]", disconnect.path("memberWorkers").toString(), all);
        assertEquals(disconnect.path("members").asInt(), disconnect.path("membersDisconnected").asInt(), all);
        assertEquals("[\"io server disconnect\"]", disconnect.path("reasons").toString(), all);
        assertEquals(0, disconnect.path("othersDisconnected").size(), all);
        assertEquals(150, disconnect.path("chatToAll").path("exactlyOnce").asInt(), all);
        assertEquals(0, disconnect.path("chatToAll").path("wrong").size(), all);
        assertEquals(150, disconnect.path("fetch").path("size").asInt(), "fetch after disconnectSockets" + all);
        assertEquals(0, disconnect.path("fetch").path("mismatchCount").asInt(), all);
    }

    /**
     * Long-polling requests of several sessions, of both workers, on one keep-alive TCP connection: the primary routes
     * each request on its own sid.
     */
    @Test
    @Order(4)
    void pollingSessionsOfBothWorkersShareOneKeepAliveConnection() throws Exception {
        JsonNode r = NodeScript.run("cluster-keepalive", cluster.uri(), "{\"sessions\":6,\"rounds\":10}",
                Duration.ofSeconds(60), "ClusterIT");
        String all = "\n" + r.toPrettyString();
        assertEquals(1, r.path("distinctSockets").asInt(), "one TCP connection for every request" + all);
        assertEquals(1, r.path("localPorts").size(), all);
        int requests = r.path("requests").asInt();
        assertTrue(requests >= 100, "requests made: " + requests + all);
        assertEquals(requests, r.path("statuses").path("200").asInt(), "every request answered 200" + all);
        assertEquals(requests - 1, r.path("reusedRequests").asInt(), "every request after the first reused it" + all);
        assertTrue(r.path("sidSwitchesOnOneSocket").asInt() >= 50,
                "consecutive requests of different sids on the connection" + all);
        Set<Integer> workers = new TreeSet<>();
        List<String> sids = new ArrayList<>();
        for (JsonNode s : r.path("sessions")) {
            assertEquals("polling", s.path("transport").asText(), all);
            assertEquals("[1]", s.path("sockets").toString(), s.path("name") + " used only that connection" + all);
            assertTrue(s.path("requests").asInt() >= 20, s.path("name") + ": dozens of round trips" + all);
            assertEquals("[2,2,2,2,2]", s.path("counts").toString(), s.path("name") + ": serverCount" + all);
            workers.add(s.path("worker").asInt());
            sids.add(s.path("sid").asText());
        }
        assertEquals(6, new HashSet<>(sids).size(), "six sessions" + all);
        assertEquals(Set.of(1, 2), workers, "sessions of both workers on the one connection" + all);
        assertEquals("[\"k0\",\"k1\",\"k2\",\"k3\",\"k4\",\"k5\"]", r.path("fetched").toString(), all);
    }
}
