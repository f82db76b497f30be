package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the scenario {@code cluster-many.mjs} (200 clients on /cluster, default transports) must show on a healthy
 * cluster of two workers, whether they are processes behind a primary ({@link ClusterIT}) or the in-JVM workers of
 * test mode ({@link InJvmClusterTest}).
 */
final class ManyClients {

    static final String OPTIONS = "{\"clients\":200}";

    private ManyClients() {
    }

    /**
     * @param r the scenario's result
     * @param pids the pid of each worker (1 and 2); the same pid twice for in-JVM workers
     */
    static void check(JsonNode r, Map<Integer, Long> pids) {
        String all = "\n" + r.toPrettyString();

        // connections: none failed, none was refused ("Session ID unknown" or any other error), all upgraded
        assertEquals(0, r.path("connectFailureCount").asInt(-1), "clients that could not connect" + all);
        JsonNode problems = r.path("problems");
        assertEquals(0, problems.path("connectErrors").size(), "connect_error events" + all);
        assertEquals(0, problems.path("upgradeErrors").size(), "failed upgrades" + all);
        assertEquals(0, problems.path("disconnects").size(), "disconnects before disconnectSockets" + all);
        assertEquals(0, problems.path("notOnWebSocket").size(), "clients not upgraded to WebSocket" + all);

        // spread: both workers hold clients, and members of every room
        assertEquals(200, r.path("distribution").path("1").asInt() + r.path("distribution").path("2").asInt(), all);
        assertTrue(r.path("distribution").path("1").asInt() >= 50 && r.path("distribution").path("2").asInt() >= 50,
                "least-connection spreads a burst of handshakes over both workers" + all);
        r.path("roomWorkers").fields().forEachRemaining(room -> assertEquals("[1,2]", room.getValue().toString(),
                "room " + room.getKey() + " has members on both workers" + all));
        assertEquals(pids.get(1).longValue(), r.path("pids").path("1").asLong(), "welcome pid of worker 1" + all);
        assertEquals(pids.get(2).longValue(), r.path("pids").path("2").asLong(), "welcome pid of worker 2" + all);

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
            assertEquals(pids.get(other).longValue(), answers.get(0).path("pid").asLong(), all);
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
}
