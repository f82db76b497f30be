package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Connection state recovery across the cluster, on the packaged application run as real processes with
 * {@code quarkus.socketio.connection-state-recovery.enabled=true}: clients in a room keep receiving a numbered
 * broadcast every few milliseconds while their worker is killed with SIGKILL, or while every worker is reloaded; each
 * client comes back on another process, recovered (same socket id), and has every broadcast exactly once, in the order
 * of their offsets (script {@code cluster-recovery.mjs}).
 */
@Tag("cluster")
class ClusterRecoveryIT {

    private static final String RECOVERY = "-Dquarkus.socketio.connection-state-recovery.enabled=true";

    @Test
    void aClientWhoseWorkerIsKilledRecoversOnAnotherProcessWithEveryBroadcast() throws Exception {
        try (PackagedCluster cluster = PackagedCluster.start("recovery-kill", RECOVERY);
                NodeScript clients = NodeScript.start("cluster-recovery", cluster.uri(),
                        "{\"listeners\":10,\"mode\":\"kill\"}", "recovery-kill")) {
            JsonNode ready = clients.awaitPhase("ready", Duration.ofSeconds(60));
            int victim = ready.get("victimWorker").asInt();
            long victimPid = ready.get("victimPid").asLong();
            assertNotEquals(victim, ready.get("senderWorker").asInt(), "the broadcasts come from the other worker");
            Thread.sleep(500);
            PackagedCluster.kill9(victimPid);
            cluster.awaitRestart(victim, victimPid, Duration.ofSeconds(30));
            Thread.sleep(2000);
            clients.send("stop");
            JsonNode result = clients.result(Duration.ofSeconds(120));
            String all = "\n" + result.toPrettyString() + cluster.describe();
            int victims = 0;
            for (JsonNode listener : result.get("listeners")) {
                String name = listener.get("name").asText();
                assertTrue(listener.get("exactlyOnce").asBoolean(), name + " got every broadcast exactly once" + all);
                assertTrue(listener.get("offsetsGrow").asBoolean(), name + " got them in offset order" + all);
                assertTrue(listener.get("inSendOrder").asBoolean(),
                        name + " got them in the order the one sender sent them" + all);
                if (listener.get("firstWorker").asInt() == victim) {
                    victims++;
                    assertRecoveredEveryTime(listener, all);
                }
            }
            assertTrue(victims > 0, "listeners were on the killed worker" + all);
            assertTrue(result.get("sent").asInt() > 50, "broadcasts kept flowing" + all);
            System.out.println("Recovery after kill -9: " + result.get("sent") + " broadcasts, " + victims
                    + " listeners recovered");
        }
    }

    /**
     * Also the end-to-end run of the primary's other WebSocket path: with {@code socket-handoff=false} it pipes the
     * WebSockets' bytes (as where Linux's native transport is missing); every other cluster test hands them over.
     */
    @Test
    void aReloadOfEveryWorkerLosesNoBroadcastOfHundredRecoveringClients() throws Exception {
        try (PackagedCluster cluster = PackagedCluster.start("recovery-reload", RECOVERY,
                "-Dquarkus.socketio.cluster.socket-handoff=false");
                NodeScript clients = NodeScript.start("cluster-recovery", cluster.uri(),
                        "{\"listeners\":100,\"mode\":\"reload\"}", "recovery-reload")) {
            clients.awaitPhase("ready", Duration.ofSeconds(90));
            // piped, each client's WebSocket holds two of the primary's sockets: its own and the one to the worker
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (cluster.openSockets() < 200 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(cluster.openSockets() >= 200, "the primary pipes the 100 WebSockets: it has "
                    + cluster.openSockets() + " sockets open");
            Map<Integer, Long> before = cluster.readyWorkers();
            ClusterControlIT.Answer reload = ClusterControlIT.cli(cluster, "reload");
            assertEquals(0, reload.status(), reload.output());
            Map<Integer, Long> after = cluster.readyWorkers();
            for (int index : before.keySet()) {
                assertNotEquals(before.get(index), after.get(index), "worker " + index + " was replaced");
                assertFalse(PackagedCluster.alive(before.get(index)), "the old worker " + index + " exited");
            }
            Thread.sleep(3000);
            clients.send("stop");
            JsonNode result = clients.result(Duration.ofSeconds(180));
            String all = "\n" + result.toPrettyString() + cluster.describe();
            assertEquals(100, result.get("listeners").size(), all);
            for (JsonNode listener : result.get("listeners")) {
                String name = listener.get("name").asText();
                assertTrue(listener.get("exactlyOnce").asBoolean(), name + " got every broadcast exactly once" + all);
                assertTrue(listener.get("offsetsGrow").asBoolean(), name + " got them in offset order" + all);
                assertRecoveredEveryTime(listener, all);
            }
            System.out.println("Recovery through a reload: " + result.get("sent") + " broadcasts to 100 clients");
        }
    }

    /** The listener was disconnected at least once, and each reconnection recovered the same socket id. */
    private static void assertRecoveredEveryTime(JsonNode listener, String all) {
        String name = listener.get("name").asText();
        JsonNode connections = listener.get("connections");
        assertTrue(connections.size() >= 2, name + " lost its connection and came back" + all);
        String id = connections.get(0).get("id").asText();
        for (int i = 1; i < connections.size(); i++) {
            JsonNode connection = connections.get(i);
            assertTrue(connection.get("recovered").asBoolean(), name + " was recovered (connection " + i + ")" + all);
            assertEquals(id, connection.get("id").asText(), name + " kept its socket id" + all);
        }
    }
}
