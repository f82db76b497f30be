package io.quarkiverse.socketio.it.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code @QuarkusTest} runs the in-JVM cluster of test mode: two workers (the build's default in test mode, nothing
 * configured, and with Dev Services off: the default does not depend on them),
 * each its own server with its own rooms and sockets, joined by the in-JVM relay through the cluster message codec.
 * The same scenarios as the packaged cluster's ({@link ClusterIT}) must give the same results, with the official
 * JavaScript client.
 */
@QuarkusTest
@TestProfile(InJvmClusterTest.NodeTimeouts.class)
class InJvmClusterTest {

    /**
     * Node's heartbeat (25 s / 20 s) and connect timeout (45 s), as for the packaged cluster ({@link PackagedCluster}):
     * the reference app's 300 ms / 1 s are too short for 200 clients connecting at once on two cores. Dev Services
     * off, as many CI setups have them: the two workers must run all the same.
     */
    public static class NodeTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.socketio.ping-interval", "25s", "quarkus.socketio.ping-timeout", "20s",
                    "quarkus.socketio.connect-timeout", "45s", "quarkus.devservices.enabled", "false");
        }
    }

    @TestHTTPResource("/")
    URI base;

    /**
     * 200 clients over both workers: room broadcasts, fetchSockets, socketsJoin/Leave, serverSideEmit with ack,
     * broadcast with acks, serverCount, binary arguments and a 900 KB payload that cross the relay byte for byte, and
     * disconnectSockets.
     */
    @Test
    void twoHundredClientsOnTwoInJvmWorkers() throws Exception {
        JsonNode r = NodeScript.run("cluster-many", base, ManyClients.OPTIONS, Duration.ofSeconds(150),
                "InJvmClusterTest");
        long pid = ProcessHandle.current().pid();
        ManyClients.check(r, Map.of(1, pid, 2, pid));
    }

    /** Polling requests of sessions of both workers on one keep-alive connection: each is routed on its own sid. */
    @Test
    void pollingSessionsOfBothWorkersShareOneKeepAliveConnection() throws Exception {
        JsonNode r = NodeScript.run("cluster-keepalive", base, KeepAlive.OPTIONS, Duration.ofSeconds(60),
                "InJvmClusterTest");
        KeepAlive.check(r);
    }
}
