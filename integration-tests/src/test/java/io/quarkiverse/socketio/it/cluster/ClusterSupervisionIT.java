package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
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

import io.quarkiverse.socketio.it.support.HealthAndMetrics;

/**
 * Supervision of the packaged two-worker cluster: a worker killed with SIGKILL is not waited for and comes back, and
 * the workers' meters count that restart; then SIGTERM to the primary drains the whole cluster. One cluster, in this
 * order (the last test stops it).
 */
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterSupervisionIT {

    private static final int VICTIM = 2;
    private static final int SURVIVOR = 1;

    private PackagedCluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = PackagedCluster.start("ClusterSupervisionIT", "-Dquarkus.socketio.cluster.restart-delay=200ms");
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Worker 2 is stopped with SIGSTOP (alive, its IPC link open, answering nothing) so that a fetchSockets started
     * from worker 1 is pending on it; SIGKILL to worker 2 must then complete that fetch at once, with worker 1's
     * sockets, well before the 5 s requests-timeout. Worker 2 is restarted, its clients reconnect, serverCount is 2
     * again.
     */
    @Test
    @Order(1)
    void killedWorkerIsNotWaitedForAndIsRestarted() throws Exception {
        long victimPid = cluster.awaitWorkersReady(2, Duration.ofSeconds(30)).get(VICTIM);
        try (NodeScript script = NodeScript.start("cluster-failover", cluster.uri(), "{\"clients\":12}",
                "ClusterSupervisionIT")) {
            JsonNode connected = script.awaitPhase("connected", Duration.ofSeconds(30));
            Map<String, String> survivorSockets = new HashMap<>();
            Set<Integer> workers = new HashSet<>();
            for (JsonNode c : connected.path("clients")) {
                workers.add(c.path("worker").asInt());
                if (c.path("worker").asInt() == SURVIVOR) {
                    survivorSockets.put(c.path("id").asText(), c.path("name").asText());
                }
            }
            assertEquals(Set.of(1, 2), workers, "clients on both workers: " + connected);

            PackagedCluster.sigstop(victimPid);
            script.send("fetch " + SURVIVOR);
            script.awaitPhase("fetch-started", Duration.ofSeconds(10));
            // worker 2 cannot answer: the fetch must still be waiting for it (it is alive, so it is waited for)
            Thread.sleep(700);
            assertFalse(script.hasPhase("fetched"),
                    "fetchSockets completed while a live worker had not answered" + script.describe());

            long killedAt = System.nanoTime();
            PackagedCluster.kill9(victimPid);
            JsonNode fetched = script.awaitPhase("fetched", Duration.ofSeconds(10));
            long afterKillMs = (System.nanoTime() - killedAt) / 1_000_000;
            assertTrue(fetched.path("error").isMissingNode(), "the fetch failed: " + fetched);
            assertTrue(afterKillMs < 2500, "the pending fetch completed " + afterKillMs + " ms after the kill, "
                    + "expected well under the 5 s requests-timeout: " + fetched);
            Map<String, String> got = new HashMap<>();
            for (JsonNode s : fetched.path("sockets")) {
                got.put(s.path("id").asText(), s.path("name").asText());
                assertEquals(SURVIVOR, s.path("worker").asInt(), "only the survivor's sockets: " + fetched);
            }
            assertEquals(survivorSockets, got, "the survivor's sockets, all of them: " + fetched);

            PackagedCluster.Restart restart = cluster.awaitRestart(VICTIM, victimPid, Duration.ofSeconds(10));
            assertEquals("137", restart.exited().group(3), "SIGKILL: exit code 128 + 9" + cluster.describe());
            long newPid = restart.newPid();

            script.send("recovered " + VICTIM);
            Recovery.assertRecovered(script.result(Duration.ofSeconds(60)), VICTIM, newPid, cluster);
        } finally {
            // whatever failed above, no stopped worker is left behind for the next test
            if (PackagedCluster.alive(victimPid)) {
                ProcessHandle.of(victimPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * What an operator scraping the workers sees after worker 2's restart: each worker's {@code /q/metrics} has the
     * primary's counts, the same in both, with that restart and the relay's traffic, which grows with broadcasts; each
     * worker's liveness is UP.
     */
    @Test
    @Order(2)
    void workersReportTheRestartAndTheRelayTraffic() throws Exception {
        cluster.awaitWorkersReady(2, Duration.ofSeconds(60));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String victimRestarts = "socketio_cluster_worker_restarts_total\\{worker=\"" + VICTIM + "\"\\}";
        String survivorRestarts = "socketio_cluster_worker_restarts_total\\{worker=\"" + SURVIVOR + "\"\\}";
        String text = null;
        for (int worker : new int[] { SURVIVOR, VICTIM }) {
            text = ClusterHealth.awaitMetrics(http, cluster.workerManagementUri(worker),
                    t -> HealthAndMetrics.sample(t, victimRestarts) >= 1, "worker " + VICTIM + "'s restart");
            assertEquals(0.0, HealthAndMetrics.sample(text, survivorRestarts), text);
            double relayed = HealthAndMetrics.sample(text, "socketio_cluster_relay_frames_total");
            assertTrue(relayed > 0, text);
            assertTrue(HealthAndMetrics.sample(text, "socketio_cluster_relay_bytes_total") > relayed,
                    "more bytes than frames\n" + text);

            JsonNode live = ClusterHealth.livenessCheck(http, cluster.workerManagementUri(worker), 200);
            assertEquals("UP", live.path("status").asText(), live.toString());
            assertEquals(worker, live.path("data").path("worker").asInt(), live.toString());
        }

        // each broadcast is published by the worker that takes the request, and delivered by the relay to the other:
        // far more frames than the adapters' heartbeats (one per worker and namespace every 5 s) send meanwhile
        int broadcasts = 100;
        double frames = HealthAndMetrics.sample(text, "socketio_cluster_relay_frames_total");
        double bytes = HealthAndMetrics.sample(text, "socketio_cluster_relay_bytes_total");
        for (int i = 0; i < broadcasts; i++) {
            HttpResponse<String> sent = http.send(HttpRequest.newBuilder(cluster.uri()
                    .resolve("/cluster-fixture/broadcast?text=metrics-" + i)).POST(HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, sent.statusCode(), sent.body());
        }
        String after = ClusterHealth.awaitMetrics(http, cluster.workerManagementUri(VICTIM),
                t -> HealthAndMetrics.sample(t, "socketio_cluster_relay_frames_total") >= frames + broadcasts,
                "at least " + broadcasts + " more relayed frames than " + frames);
        // a frame has a 10-byte length and header at least
        assertTrue(HealthAndMetrics.sample(after, "socketio_cluster_relay_bytes_total") >= bytes + 10 * broadcasts,
                "the bytes grew with the frames: from " + bytes + "\n" + after);
    }

    /**
     * SIGTERM to the primary: the workers close their clients (which see a disconnect), every worker exits, the
     * primary logs that it stopped and exits with status 0.
     */
    @Test
    @Order(3)
    void sigtermDrainsTheClusterAndExitsWithZero() throws Exception {
        cluster.awaitWorkersReady(2, Duration.ofSeconds(60));
        try (NodeScript script = NodeScript.start("cluster-drain", cluster.uri(), "{\"clients\":8,\"waitMs\":45000}",
                "ClusterSupervisionIT")) {
            JsonNode connected = script.awaitPhase("connected", Duration.ofSeconds(30));
            assertEquals(Set.of(1, 2), NodeScript.workersOf(connected), "clients on both workers: " + connected);
            Set<Long> workerPids = cluster.allWorkerPids();
            assertTrue(workerPids.size() >= 2, "worker pids " + workerPids);

            int status = cluster.stop(Duration.ofSeconds(60));
            assertEquals(0, status, "exit status of the primary after SIGTERM" + cluster.describe());
            assertFalse(cluster.matches(PackagedCluster.STOPPED).isEmpty(),
                    "the primary says it stopped" + cluster.describe());
            for (long pid : workerPids) {
                assertFalse(PackagedCluster.alive(pid), "worker " + pid + " exited" + cluster.describe());
            }

            JsonNode r = script.result(Duration.ofSeconds(60));
            for (JsonNode c : r.path("clients")) {
                assertTrue(c.path("disconnected").asBoolean(), c.path("name") + " (" + c.path("transport")
                        + ", worker " + c.path("worker") + ") saw a disconnect: " + r.toPrettyString());
            }
            assertEquals(List.of("polling", "websocket"), transports(r), "both transports were drained: " + r);
        }
    }

    private static List<String> transports(JsonNode r) {
        Set<String> set = new java.util.TreeSet<>();
        r.path("clients").forEach(c -> set.add(c.path("transport").asText()));
        return List.copyOf(set);
    }
}
