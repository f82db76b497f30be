package io.quarkiverse.socketio.runtime.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig.AdapterKind;
import io.quarkiverse.socketio.runtime.server.RedisNode;
import io.quarkiverse.socketio.runtime.server.TestClient;
import io.vertx.core.Vertx;
import io.vertx.redis.client.ProtocolVersion;

/**
 * A server whose Redis client speaks RESP2 and one that speaks RESP3 share the stream: XREAD, XRANGE and the
 * transaction's replies come in both shapes (RESP3 answers XREAD with a map), and a session moves either way.
 */
class StreamsProtocolsTest {

    static RedisServerProcess redis;
    static Vertx vertx;
    static RedisNode resp2;
    static RedisNode resp3;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServerProcess.start();
        vertx = Vertx.vertx();
        SocketIOConfig config = RedisNode.config(Map.of("quarkus.socketio.adapter", "redis-streams",
                "quarkus.socketio.connection-state-recovery.enabled", "true"));
        resp2 = RedisNode.start(vertx, redis.uri(), AdapterKind.REDIS_STREAMS, config, ProtocolVersion.RESP2);
        resp3 = RedisNode.start(vertx, redis.uri(), AdapterKind.REDIS_STREAMS, config, ProtocolVersion.RESP3);
        TestClient.awaitCondition(
                () -> resp2.adapters().unavailability().isEmpty() && resp3.adapters().unavailability().isEmpty(),
                "both servers read the stream");
    }

    @AfterAll
    static void stop() throws Exception {
        resp2.stop();
        resp3.stop();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redis.close();
    }

    @Test
    void broadcastsAndSessionsMoveBetweenRESP2AndRESP3Servers() throws Exception {
        String connections = redis.bulk("CLIENT", "LIST");
        assertTrue(connections.contains("resp=2") && connections.contains("resp=3"), connections);
        for (RedisNode[] pair : new RedisNode[][] { { resp2, resp3 }, { resp3, resp2 } }) {
            RedisNode from = pair[0];
            RedisNode to = pair[1];
            TestClient client = TestClient.connect(from.port(), "/", "c");
            TestClient witness = TestClient.connect(to.port(), "/", "w");
            from.server().localSockets().iterator().next().join("room");
            to.server().to("room").emit("first", 1);
            String offset = String.valueOf(client.await("first", 1).get(0)[1]);
            String sid = client.id();
            client.dropTransport();
            TestClient.awaitCondition(() -> from.server().localSockets().isEmpty(), "the client is gone");
            from.server().to("room").emit("missed", 2);
            to.server().emit("missed", 3);
            witness.await("missed", 1);
            Thread.sleep(200);
            TestClient back = TestClient.connect(to.port(), "/", "c2", Map.of("pid", client.pid, "offset", offset));
            assertEquals(sid, back.id());
            assertTrue(to.server().localSockets().stream().anyMatch(s -> s.id().equals(sid)
                    && s.rooms().equals(Set.of(sid, "room"))));
            assertEquals(List.of("missed:2", "missed:3"), back.packets().stream()
                    .map(p -> StreamsRedisAdapterTest.at(p, 0) + ":" + StreamsRedisAdapterTest.at(p, 1)).sorted()
                    .toList());
            back.close();
            witness.close();
            client.close();
            TestClient.awaitCondition(() -> to.server().localSockets().isEmpty(), "the clients are gone");
        }
    }
}
