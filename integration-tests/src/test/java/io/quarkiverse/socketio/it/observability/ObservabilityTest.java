package io.quarkiverse.socketio.it.observability;

import static io.quarkiverse.socketio.it.support.HealthAndMetrics.sample;
import static io.quarkiverse.socketio.it.support.JavaClients.await;
import static io.quarkiverse.socketio.it.support.JavaClients.connect;
import static io.quarkiverse.socketio.it.support.JavaClients.emitWithAck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.it.support.HealthAndMetrics;
import io.quarkiverse.socketio.it.support.JavaClients;
import io.quarkiverse.socketio.it.support.JavaClients.ClientTransport;
import io.quarkiverse.socketio.runtime.SocketIOServers;
import io.quarkiverse.socketio.runtime.cluster.injvm.InJvmCluster;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.socket.client.Socket;

/**
 * An application with Micrometer (Prometheus) and SmallRye Health, in the in-JVM cluster of test mode: its
 * {@code /q/metrics} has the Socket.IO meters of each worker and of the cluster (restarts, relay traffic), and
 * {@code /q/health/ready} and {@code /q/health/live} the Socket.IO checks. In order: the last test restarts a worker.
 */
@QuarkusTest
@TestProfile(ObservabilityTest.OwnApplication.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityTest {

    /** An application of its own: no client of another test class is counted. */
    public static class OwnApplication implements QuarkusTestProfile {
    }

    @TestHTTPResource("/")
    URI base;

    @TestHTTPResource(value = "/metrics", management = true)
    URI metrics;

    @TestHTTPResource(value = "/health/ready", management = true)
    URI ready;

    @TestHTTPResource(value = "/health/live", management = true)
    URI live;

    @Inject
    SocketIOServers servers;

    private final List<Socket> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(Socket::close);
    }

    @Test
    @Order(1)
    void metersAndReadiness() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            Socket socket = JavaClients.socket(base, "/cluster", ClientTransport.WEBSOCKET, Map.of("name", name));
            clients.add(connect(socket));
        }
        Object[] fetched = await(emitWithAck(clients.get(0), "fetch", new org.json.JSONObject()), "fetch");
        assertTrue(fetched[0] instanceof org.json.JSONArray, "fetchSockets answered: " + fetched[0]);

        String text = get(metrics);
        double sockets = sample(text, "socketio_sockets\\{worker=\"1\"\\}")
                + sample(text, "socketio_sockets\\{worker=\"2\"\\}");
        assertEquals(3.0, sockets, "the sockets of both workers\n" + text);
        assertTrue(sample(text,
                "socketio_cluster_requests_seconds_count\\{outcome=\"answered\",type=\"FETCH_SOCKETS\",worker=\"[12]\"\\}") >= 1,
                "the fetchSockets request, timed\n" + text);
        assertTrue(text.contains("socketio_rooms{worker=\"1\"}"), text);
        // the fetch went through the in-JVM relay: a request to the other worker and its answer at least
        double frames = sample(text, "socketio_cluster_relay_frames_total");
        assertTrue(frames >= 2, "relayed frames\n" + text);
        assertTrue(sample(text, "socketio_cluster_relay_bytes_total") > frames, "relayed bytes\n" + text);
        assertEquals(0.0, sample(text, "socketio_cluster_worker_restarts_total\\{worker=\"1\"\\}"), text);
        assertEquals(0.0, sample(text, "socketio_cluster_worker_restarts_total\\{worker=\"2\"\\}"), text);

        JsonNode check = socketIOCheck(get(ready));
        assertEquals("UP", check.path("status").asText(), check.toString());
        assertEquals(3, check.path("data").path("sockets").asInt(), check.toString());
        assertEquals(2, check.path("data").path("in-jvm-workers").asInt(), check.toString());

        JsonNode liveness = socketIOCheck(get(live));
        assertEquals("UP", liveness.path("status").asText(), liveness.toString());
        assertEquals(3, liveness.path("data").path("sockets").asInt(), liveness.toString());
        assertEquals(0, liveness.path("data").path("worker").asInt(), liveness.toString());
        assertEquals(2, liveness.path("data").path("in-jvm-workers").asInt(), liveness.toString());
    }

    /**
     * A worker whose Engine.IO server stopped makes the liveness DOWN, with the reason; restarted, it is UP again,
     * and the restart is counted for that worker only. The relay counts grow with the next cluster request.
     */
    @Test
    @Order(2)
    void stoppedWorkerIsNotLiveAndItsRestartIsCounted() throws Exception {
        InJvmCluster cluster = servers.inJvmCluster().orElseThrow();
        String before = get(metrics);
        double framesBefore = sample(before, "socketio_cluster_relay_frames_total");
        double bytesBefore = sample(before, "socketio_cluster_relay_bytes_total");

        cluster.workers().get(1).server().stop();
        HttpResponse<String> down = send(live);
        assertEquals(503, down.statusCode(), down.body());
        JsonNode stopped = socketIOCheck(down.body());
        assertEquals("DOWN", stopped.path("status").asText(), stopped.toString());
        assertEquals("the Engine.IO server of 1 of 2 in-JVM workers stopped",
                stopped.path("data").path("reason").asText(), stopped.toString());

        cluster.restart(2);
        JsonNode restarted = socketIOCheck(get(live));
        assertEquals("UP", restarted.path("status").asText(), restarted.toString());
        assertTrue(restarted.path("data").path("reason").isMissingNode(), restarted.toString());

        for (String name : List.of("d", "e")) {
            Socket socket = JavaClients.socket(base, "/cluster", ClientTransport.WEBSOCKET, Map.of("name", name));
            clients.add(connect(socket));
        }
        await(emitWithAck(clients.get(0), "fetch", new org.json.JSONObject()), "fetch");
        String after = get(metrics);
        assertEquals(1.0, sample(after, "socketio_cluster_worker_restarts_total\\{worker=\"2\"\\}"), after);
        assertEquals(0.0, sample(after, "socketio_cluster_worker_restarts_total\\{worker=\"1\"\\}"), after);
        assertTrue(sample(after, "socketio_cluster_relay_frames_total") > framesBefore, "frames grew\n" + after);
        assertTrue(sample(after, "socketio_cluster_relay_bytes_total") > bytesBefore, "bytes grew\n" + after);
        // the restarted worker had no session, so a new client went to it: its gauge reads its new server
        assertTrue(sample(after, "socketio_sockets\\{worker=\"2\"\\}") >= 1,
                "the restarted worker's sockets\n" + after);
    }

    /** The "Socket.IO" check of a health answer. */
    private static JsonNode socketIOCheck(String body) throws Exception {
        return HealthAndMetrics.socketIOCheck(body).orElseThrow(() -> new AssertionError("no Socket.IO check: " + body));
    }

    private static String get(URI uri) throws Exception {
        HttpResponse<String> response = send(uri);
        assertEquals(200, response.statusCode(), uri + ": " + response.body());
        return response.body();
    }

    private static HttpResponse<String> send(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
