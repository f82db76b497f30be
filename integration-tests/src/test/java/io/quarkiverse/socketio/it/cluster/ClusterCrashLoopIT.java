package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A worker that always dies while starting: the fixture's switch {@code -Dcluster-fixture.crash-worker=2} halts worker
 * 2 with status 3 in its startup observer (the primary runs no application code, so the switch hits worker 2 only).
 * With the default {@code crash-loop.max-restarts} (5) the primary restarts it five times, then logs a crash loop at
 * ERROR and gives up on it, while worker 1 serves.
 */
@Tag("cluster")
class ClusterCrashLoopIT {

    private PackagedCluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void crashLoopIsDetectedAndTheOtherWorkerServes() throws Exception {
        cluster = PackagedCluster.start("ClusterCrashLoopIT", Duration.ofSeconds(150),
                "-Dcluster-fixture.crash-worker=2",
                "-Dquarkus.socketio.cluster.restart-delay=100ms",
                "-Dquarkus.socketio.cluster.restart-max-delay=200ms");
        PackagedCluster.Line loop = cluster.awaitLine(PackagedCluster.CRASH_LOOP, Duration.ofSeconds(10));
        assertEquals("2", loop.group(1), "the crash loop is worker 2's: " + loop.text());
        assertTrue(loop.text().contains("ERROR"), "logged at ERROR: " + loop.text());
        assertEquals("60", loop.group(3), "within the default window: " + loop.text());

        List<PackagedCluster.Line> halts = cluster.matches(java.util.regex.Pattern
                .compile("Cluster fixture: worker 2 \\(pid (\\d+)\\) halts with status 3"));
        List<PackagedCluster.Line> restarts = cluster.matches(PackagedCluster.EXITED);
        assertEquals(5, restarts.size(), "restarted max-restarts (5) times" + cluster.describe());
        for (PackagedCluster.Line restart : restarts) {
            assertEquals("2", restart.group(1), restart.text());
            assertEquals("3", restart.group(3), "the worker's exit status: " + restart.text());
            assertTrue(restart.number(4) == 100 || restart.number(4) == 200,
                    "restart-delay 100 ms, doubled, at most restart-max-delay 200 ms: " + restart.text());
            assertTrue(restart.text().contains("WARN"), restart.text());
        }
        assertEquals(100, restarts.get(0).number(4), "the first restart waits restart-delay" + cluster.describe());
        assertEquals(200, restarts.get(restarts.size() - 1).number(4), "then restart-max-delay" + cluster.describe());
        assertEquals(6, halts.size(), "worker 2 started 6 times (first start + 5 restarts)" + cluster.describe());
        assertEquals(halts.size(), Integer.parseInt(loop.group(2)),
                "the crash-loop line counts the crashes: " + loop.text());
        assertEquals(Set.of(1), cluster.readyWorkers().keySet(), "only worker 1 became ready" + cluster.describe());
        assertEquals(1, cluster.matches(PackagedCluster.READY).size(), cluster.describe());
        assertEquals(1, cluster.matches(PackagedCluster.CRASH_LOOP).size(), cluster.describe());

        JsonNode r = NodeScript.run("cluster-smoke", cluster.uri(), "{\"clients\":4}", Duration.ofSeconds(60),
                "ClusterCrashLoopIT");
        String all = "\n" + r.toPrettyString() + cluster.describe();
        assertEquals(0, r.path("connectFailures").size(), all);
        long worker1 = cluster.readyWorkers().get(1);
        for (JsonNode w : r.path("workers")) {
            assertEquals(1, w.asInt(), "every client is on worker 1" + all);
        }
        for (JsonNode pid : r.path("pids")) {
            assertEquals(worker1, pid.asLong(), all);
        }
        assertEquals("[1,1,1,1]", r.path("counts").toString(), "serverCount: worker 1 alone serves" + all);
        assertEquals("[1,1,1,1]", r.path("chatReceived").toString(), all);
        assertEquals(r.path("expectedNames"), r.path("fetched"), all);
        assertEquals(0, r.path("problems").path("disconnects").size(), all);

        // the application's readiness on worker 1's management interface is the cluster's: down, worker 2 is in a
        // crash loop
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        JsonNode check = ClusterHealth.awaitSocketIOCheck(http, cluster.workerManagementUri(1), 503);
        assertEquals("DOWN", check.path("status").asText(), check.toString());
        assertEquals(1, check.path("data").path("workers-ready").asInt(), check.toString());
        assertEquals(2, check.path("data").path("workers-desired").asInt(), check.toString());
        assertEquals(1, check.path("data").path("worker").asInt(), "answered by worker 1: " + check);

        // the slot stays abandoned: no start of worker 2 after the crash-loop line
        assertTrue(cluster.isAlive(), "the primary stays up" + cluster.describe());
        assertEquals(6, cluster.matches(java.util.regex.Pattern
                .compile("Cluster fixture: worker 2 \\(pid (\\d+)\\) halts with status 3")).size(), cluster.describe());
        assertEquals(5, cluster.matches(PackagedCluster.EXITED).size(), cluster.describe());
        assertEquals(Map.of(1, worker1), cluster.readyWorkers(), cluster.describe());
    }
}
