package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A primary that cannot listen says which address failed and which setting moves it, and exits with a failure
 * status, leaving no worker behind: the public port, and the management interface's port (two clusters on one host
 * both take 9000 by default).
 */
@Tag("cluster")
class ClusterStartupErrorsIT {

    private static final Duration EXIT = Duration.ofSeconds(90);

    @Test
    void aTakenPublicPortIsNamedWithItsSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            try (PackagedCluster cluster = PackagedCluster.launch("startup-public-port-taken",
                    "-Dquarkus.http.port=" + port)) {
                assertNotEquals(0, cluster.awaitExit(EXIT), "exit status" + cluster.describe());
                String log = String.join("\n", cluster.lines());
                assertTrue(log.contains("cannot listen on its public address 127.0.0.1:" + port), log);
                assertTrue(log.contains("change quarkus.http.port"), log);
                assertWorkersGone(cluster);
            }
        }
    }

    @Test
    void aTakenManagementPortIsNamedWithItsSettingNotThePublicPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int managementPort = taken.getLocalPort();
            try (PackagedCluster cluster = PackagedCluster.launch("startup-management-port-taken",
                    "-Dquarkus.management.enabled=true", "-Dquarkus.management.host=127.0.0.1",
                    "-Dquarkus.management.port=" + managementPort)) {
                assertNotEquals(0, cluster.awaitExit(EXIT), "exit status" + cluster.describe());
                String log = String.join("\n", cluster.lines());
                assertTrue(log.contains("cannot listen on the management interface 127.0.0.1:" + managementPort),
                        log);
                assertTrue(log.contains("change quarkus.management.port"), log);
                assertFalse(log.contains("public address 127.0.0.1:" + cluster.port()), "the public port is not "
                        + "what failed: " + log);
                assertWorkersGone(cluster);
            }
        }
    }

    private static void assertWorkersGone(PackagedCluster cluster) throws InterruptedException {
        for (long pid : cluster.allWorkerPids()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (PackagedCluster.alive(pid) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertFalse(PackagedCluster.alive(pid), "worker " + pid + " outlived its primary" + cluster.describe());
        }
    }
}
