package io.quarkiverse.socketio.runtime.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig.AdapterKind;
import io.quarkiverse.socketio.runtime.server.RedisNode;
import io.quarkiverse.socketio.runtime.server.TestClient;
import io.vertx.core.Vertx;

/**
 * Redis crashes under two Java servers of the streams adapter and comes back empty: the local clients are served all
 * along, what was broadcast meanwhile reaches the other server once Redis is back, and both stream readers read on.
 */
class StreamsOutageTest {

    static RedisServerProcess redis;
    static Vertx vertx;
    static RedisNode a;
    static RedisNode b;
    final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServerProcess.start();
        vertx = Vertx.vertx();
        SocketIOConfig config = RedisNode.config(Map.of("quarkus.socketio.adapter", "redis-streams",
                "quarkus.socketio.connection-state-recovery.enabled", "true"));
        a = RedisNode.start(vertx, redis.uri(), AdapterKind.REDIS_STREAMS, config);
        b = RedisNode.start(vertx, redis.uri(), AdapterKind.REDIS_STREAMS, config);
        awaitLong(() -> a.adapters().unavailability().isEmpty() && b.adapters().unavailability().isEmpty(),
                "both servers reach Redis");
    }

    @AfterAll
    static void stop() throws Exception {
        a.stop();
        b.stop();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redis.close();
    }

    static void awaitLong(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + what + " within 20 s");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void broadcastsMadeWhileRedisIsAwayReachTheOtherServerWhenItIsBack() throws Exception {
        TestClient onA = TestClient.connect(a.port(), "/", "alice");
        TestClient onB = TestClient.connect(b.port(), "/", "bob");
        clients.add(onA);
        clients.add(onB);
        a.server().emit("before", 0);
        onB.await("before", 1);

        redis.kill();
        awaitLong(() -> !a.adapters().unavailability().isEmpty() && !b.adapters().unavailability().isEmpty(),
                "both servers see Redis go");
        a.server().emit("while-away", 1);
        Object[] local = onA.await("while-away", 1).get(0);
        assertEquals(1, local.length, "delivered here at once, without an offset");
        a.server().in(onA.id()).socketsJoin("joined-while-away");
        TestClient.awaitCondition(() -> a.server().localSockets().iterator().next().rooms()
                .contains("joined-while-away"), "applied here at once");
        Thread.sleep(300);
        assertEquals(0, onB.count("while-away"), "B cannot have it yet");

        redis.restart();
        awaitLong(() -> a.adapters().unavailability().isEmpty() && b.adapters().unavailability().isEmpty(),
                "both servers reach Redis again");
        Object[] remote = onB.await("while-away", 1).get(0);
        assertEquals(2, remote.length, "B read it from the stream: with the entry id");

        // both readers read on, from the new stream: a Node server's entry reaches both
        String id = redis.bulk("XADD", "socket.io", "*", "uid", "0123456789abcdef", "nsp", "/", "type", "3", "data",
                "{\"packet\":{\"type\":2,\"data\":[\"from-node\",7]},\"opts\":{\"rooms\":[],\"except\":[],\"flags\":{}}}");
        assertEquals(id, String.valueOf(onA.await("from-node", 1).get(0)[1]));
        assertEquals(id, String.valueOf(onB.await("from-node", 1).get(0)[1]));
        b.server().emit("after", 2);
        onA.await("after", 1);
        StreamsRedisAdapterTest.flush(a, onA, onB);
        assertEquals(1, onA.count("while-away"), "A does not apply it a second time when it reads it back");
        assertEquals(1, onB.count("while-away"));
        assertFalse(onA.disconnected.isDone());
        assertTrue(onA.socket.connected() && onB.socket.connected());
        clients.forEach(TestClient::close);
    }
}
