package io.quarkiverse.socketio.runtime.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.runtime.server.TestClient;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

/**
 * The connector against a real {@code redis-server}: bursts of publications far beyond what the Vert.x connection
 * takes unanswered ({@code max-waiting-handlers}, 2048 by default) all reach the subscribers, in order, also when the
 * connector is closed right after the burst.
 */
class RedisConnectorTest {

    private static final int BURST = 10_000;

    static RedisServerProcess redis;
    static Vertx vertx;
    final List<RedisConnector> connectors = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServerProcess.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redis.close();
    }

    @AfterEach
    void closeConnectors() throws Exception {
        for (RedisConnector connector : connectors) {
            connector.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        connectors.clear();
    }

    @Test
    void aBurstBeyondTheClientsWaitingQueueIsDeliveredWholeAndInOrder() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        subscribedConnector("burst", received);
        RedisConnector sender = connector(new Recorder(new CopyOnWriteArrayList<>()));
        awaitUp(sender);

        AtomicInteger failed = new AtomicInteger();
        Context context = vertx.getOrCreateContext();
        // one event-loop turn, as a handler emitting in a loop: nothing is answered before the last is made
        context.runOnContext(v -> {
            for (int i = 0; i < BURST; i++) {
                sender.publish(publication("burst", i)).onFailure(e -> failed.incrementAndGet());
            }
        });

        TestClient.awaitCondition(() -> received.size() == BURST || failed.get() > 0,
                "the subscriber receives the " + BURST + " publications");
        assertEquals(0, failed.get(), "publications that failed");
        assertEquals(expected(BURST), received);
    }

    @Test
    void closingRightAfterABurstSendsItFirst() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        subscribedConnector("farewell", received);
        RedisConnector sender = new RedisConnector(vertx, vertx.getOrCreateContext(), client(),
                new Recorder(new CopyOnWriteArrayList<>()), "test");
        sender.start();
        awaitUp(sender);

        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < BURST; i++) {
            sender.publish(publication("farewell", i)).onFailure(e -> {
                if (failed.incrementAndGet() < 3)
                    e.printStackTrace(System.out);
            });
        }
        long t0 = System.nanoTime();
        sender.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.out.println("DEBUG closed after ms " + (System.nanoTime() - t0) / 1_000_000 + " received " + received.size()
                + " failed " + failed.get());

        TestClient.awaitCondition(() -> received.size() == BURST,
                "the subscriber receives the whole burst " + received.size() + " failed " + failed.get());
        assertEquals(0, failed.get(), "publications that failed");
        assertEquals(expected(BURST), received);
    }

    private void subscribedConnector(String channel, List<String> received) throws InterruptedException {
        RedisConnector receiver = connector(new Recorder(received));
        receiver.subscribe(channel);
        awaitUp(receiver);
    }

    private RedisConnector connector(RedisConnector.Listener listener) {
        RedisConnector connector = new RedisConnector(vertx, vertx.getOrCreateContext(), client(), listener, "test");
        connectors.add(connector);
        connector.start();
        return connector;
    }

    private static Redis client() {
        return Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.uri()));
    }

    private static void awaitUp(RedisConnector connector) throws InterruptedException {
        TestClient.awaitCondition(connector::isUp, "the connector is up");
        assertTrue(connector.isUp());
    }

    private static Request publication(String channel, int i) {
        return Request.cmd(Command.PUBLISH).arg(channel).arg("m" + i);
    }

    private static List<String> expected(int count) {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add("m" + i);
        }
        return messages;
    }

    private record Recorder(List<String> received) implements RedisConnector.Listener {

        @Override
        public void onMessage(String channel, byte[] payload) {
            received.add(new String(payload, StandardCharsets.UTF_8));
        }

        @Override
        public void onAvailability(boolean up) {
        }
    }
}
