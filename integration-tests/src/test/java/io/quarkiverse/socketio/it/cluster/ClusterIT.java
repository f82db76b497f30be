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

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.socketio.it.support.JavaClients;
import io.socket.client.Socket;

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

        // the application's readiness, on a worker's management interface, is the cluster's: both workers serve
        JsonNode check = ClusterHealth.awaitSocketIOCheck(http, cluster.workerManagementUri(1), 200);
        assertEquals("UP", check.path("status").asText(), check.toString());
        assertEquals(2, check.path("data").path("workers-ready").asInt(), check.toString());
        assertEquals(2, check.path("data").path("workers-desired").asInt(), check.toString());

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
        JsonNode r = NodeScript.run("cluster-many", cluster.uri(), ManyClients.OPTIONS, Duration.ofSeconds(150),
                "ClusterIT");
        ManyClients.check(r, cluster.readyWorkers());
    }

    /**
     * Long-polling requests of several sessions, of both workers, on one keep-alive TCP connection: the primary routes
     * each request on its own sid.
     */
    @Test
    @Order(4)
    void pollingSessionsOfBothWorkersShareOneKeepAliveConnection() throws Exception {
        JsonNode r = NodeScript.run("cluster-keepalive", cluster.uri(), KeepAlive.OPTIONS, Duration.ofSeconds(60),
                "ClusterIT");
        KeepAlive.check(r);
    }

    /**
     * The primary hands each WebSocket to its worker (on Linux): while 40 WebSocket clients are connected and answered
     * by the workers, the primary holds none of their connections. Piped, each would cost it two sockets.
     */
    @Test
    @Order(5)
    void webSocketsAreHandedToTheirWorker() throws Exception {
        long before = cluster.openSockets();
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                clients.add(JavaClients.connect(JavaClients.socket(cluster.uri(), ClusterFixture.NAMESPACE,
                        JavaClients.ClientTransport.WEBSOCKET, null)));
            }
            Set<Long> pids = new HashSet<>();
            for (Socket client : clients) {
                Object[] ack = JavaClients.await(JavaClients.emitWithAck(client, "info"), "info");
                JsonNode info = JavaClients.normalize(ack).path(0);
                assertEquals("websocket", info.path("transport").asText(), info.toString());
                pids.add(info.path("pid").asLong());
            }
            assertEquals(new HashSet<>(cluster.readyWorkers().values()), pids, "clients on both workers");
            long during = cluster.openSockets();
            assertTrue(during - before < 10, "the primary's open sockets went from " + before + " to " + during
                    + " with 40 WebSocket clients connected");
        } finally {
            clients.forEach(Socket::close);
        }
    }

    /**
     * An upgrade the worker refuses (here: Engine.IO 3, which this server does not speak) reaches the client as the
     * worker's answer, and the connection then closes: it was handed to that worker for that one request, and a
     * keep-alive client that sent its next request on it would bypass the primary's routing.
     */
    @Test
    @Order(6)
    void aRefusedUpgradeClosesItsConnection() throws Exception {
        try (java.net.Socket raw = new java.net.Socket(cluster.uri().getHost(), cluster.uri().getPort())) {
            raw.setSoTimeout(10_000);
            String request = "GET /socket.io/?EIO=3&transport=websocket HTTP/1.1\r\nHost: " + cluster.uri().getHost()
                    + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
            raw.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer;
            try {
                // read to the end: the connection must close after the answer
                answer = new String(raw.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the connection stayed open 10 s after a refused upgrade", e);
            }
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(answer.contains("Unsupported protocol version"), answer);
        }
    }
}
