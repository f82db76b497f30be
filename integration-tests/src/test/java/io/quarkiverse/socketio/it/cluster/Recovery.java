package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/** The checks on the result of {@code cluster-failover.mjs} after a worker was lost and restarted. */
final class Recovery {

    private Recovery() {
    }

    /**
     * The clients of the lost worker reconnected (new sessions); those of the other worker never noticed; a new client
     * lands on the restarted worker; serverCount is 2 again through both workers; a chat from the restarted worker
     * reaches everyone once; its fetch sees every socket, on both workers.
     */
    static void assertRecovered(JsonNode r, int victim, long restartedPid, PackagedCluster cluster) {
        String all = "\n" + r.toPrettyString() + cluster.describe();
        assertEquals(victim, r.path("victimWorker").asInt(), all);
        assertTrue(r.path("victims").size() > 0, "clients were on worker " + victim + all);
        for (JsonNode c : r.path("victims")) {
            assertTrue(c.path("connections").asInt() >= 2, c.path("name") + " reconnected" + all);
            assertTrue(c.path("disconnects").size() >= 1, c.path("name") + " saw its connection end" + all);
            assertNotEquals(c.path("before").path("id").asText(), c.path("after").path("id").asText(),
                    c.path("name") + " got a new session" + all);
        }
        assertTrue(r.path("survivors").size() > 0, "clients were on the other worker" + all);
        for (JsonNode c : r.path("survivors")) {
            assertEquals(0, c.path("disconnects").size(), c.path("name") + " was not disturbed" + all);
            assertEquals(1, c.path("connections").asInt(), c.path("name") + all);
            assertEquals(c.path("before").path("id").asText(), c.path("id").asText(), c.path("name") + all);
            assertEquals(c.path("before").path("worker").asInt(), c.path("worker").asInt(), c.path("name") + all);
        }
        assertEquals(victim, r.path("late").path("worker").asInt(),
                "a new client goes to the restarted, empty worker" + all);
        assertEquals(restartedPid, r.path("late").path("pid").asLong(), "served by the restarted process" + all);
        r.path("counts").fields().forEachRemaining(count -> assertEquals(2, count.getValue().path("value").asInt(),
                "serverCount through " + count.getKey() + all));
        assertEquals(2, r.path("counts").size(), all);
        for (JsonNode c : r.path("chat")) {
            assertEquals(1, c.path("got").asInt(),
                    "the chat from the restarted worker reached " + c.path("name") + all);
        }
        assertTrue(r.path("fetched").isArray(), "fetch from the restarted worker: " + r.path("fetched") + all);
        Set<String> fetched = new HashSet<>();
        Set<Integer> workers = new HashSet<>();
        for (JsonNode s : r.path("fetched")) {
            fetched.add(s.path("id").asText());
            workers.add(s.path("worker").asInt());
        }
        Set<String> current = new HashSet<>();
        r.path("current").forEach(c -> current.add(c.path("id").asText()));
        assertEquals(current, fetched, "fetchSockets from the restarted worker: every connected socket" + all);
        assertEquals(Set.of(1, 2), workers, all);
    }
}
