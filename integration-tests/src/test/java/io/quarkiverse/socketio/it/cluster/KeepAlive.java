package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the scenario {@code cluster-keepalive.mjs} (six polling sessions on one keep-alive TCP connection) must show on
 * a healthy cluster of two workers, processes behind a primary ({@link ClusterIT}) or in-JVM workers
 * ({@link InJvmClusterTest}): each request is routed on its own sid, to sessions of both workers.
 */
final class KeepAlive {

    static final String OPTIONS = "{\"sessions\":6,\"rounds\":10}";

    private KeepAlive() {
    }

    static void check(JsonNode r) {
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
