package io.quarkiverse.socketio.runtime.dev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.runtime.dev.ActivityRing.Measure;
import io.quarkiverse.socketio.runtime.server.ServerObserver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The one-second buckets of the Activity page, on a clock the test moves. */
class ActivityRingTest {

    private static final long T0 = 1_700_000_000L;

    @Test
    void countsEachMeasureInItsSecond() {
        ActivityRing ring = new ActivityRing();
        ring.add(Measure.CONNECTIONS, T0);
        ring.add(Measure.CONNECTIONS, T0);
        ring.add(Measure.RECEIVED, T0);
        ring.add(Measure.DISCONNECTIONS, T0 + 2);
        ring.add(Measure.EMITTED, T0 + 2);

        int[][] window = ring.window(T0 - 1, T0 + 3);
        assertArrayEquals(new int[] { 0, 2, 0, 0, 0 }, window[Measure.CONNECTIONS.ordinal()]);
        assertArrayEquals(new int[] { 0, 0, 0, 1, 0 }, window[Measure.DISCONNECTIONS.ordinal()]);
        assertArrayEquals(new int[] { 0, 1, 0, 0, 0 }, window[Measure.RECEIVED.ordinal()]);
        assertArrayEquals(new int[] { 0, 0, 0, 1, 0 }, window[Measure.EMITTED.ordinal()]);
    }

    @Test
    void aBucketReusedFiveMinutesLaterStartsAtZero() {
        ActivityRing ring = new ActivityRing();
        ring.add(Measure.CONNECTIONS, T0);
        ring.add(Measure.RECEIVED, T0);
        long later = T0 + ActivityRing.SECONDS; // the same bucket
        ring.add(Measure.CONNECTIONS, later);

        int[][] now = ring.window(later, later);
        assertEquals(1, now[Measure.CONNECTIONS.ordinal()][0], "the old count is gone from the bucket");
        assertEquals(0, now[Measure.RECEIVED.ordinal()][0], "every measure of the bucket starts again");
        assertEquals(0, ring.window(T0, T0)[Measure.CONNECTIONS.ordinal()][0], "the old second is no longer there");

        // a late call for the old second (a thread that read the clock five minutes ago) changes nothing
        ring.add(Measure.CONNECTIONS, T0);
        assertEquals(1, ring.window(later, later)[Measure.CONNECTIONS.ordinal()][0]);
    }

    @Test
    void theWindowHoldsTheLastFiveMinutesAtMost() {
        ActivityRing ring = new ActivityRing();
        for (long second = T0; second < T0 + 2 * ActivityRing.SECONDS; second++) {
            ring.add(Measure.CONNECTIONS, second);
        }
        long to = T0 + 2 * ActivityRing.SECONDS - 1;
        int[] all = ring.window(T0, to)[Measure.CONNECTIONS.ordinal()];
        assertEquals(ActivityRing.SECONDS, all.length, "cut to five minutes");
        for (int count : all) {
            assertEquals(1, count);
        }
        // seconds not yet counted (the buckets still hold seconds five minutes before) read as 0
        int[] ahead = ring.window(to + 1, to + 10)[Measure.CONNECTIONS.ordinal()];
        assertArrayEquals(new int[10], ahead);
        assertEquals(0, ring.window(to + 1, to)[0].length, "an empty window");
    }

    @Test
    void severalThreadsLoseNoCount() throws Exception {
        ActivityRing ring = new ActivityRing();
        int threads = 8;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    // ten seconds, the first of them reached by several threads at once: the bucket is set once
                    ring.add(Measure.values()[i % 4], T0 + i % 10);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        int[][] window = ring.window(T0, T0 + 9);
        long total = 0;
        for (int[] measure : window) {
            for (int count : measure) {
                total += count;
            }
        }
        assertEquals((long) threads * perThread, total);
        // i % 4 and i % 10: per second two measures, threads * perThread / 20 each
        assertEquals(threads * perThread / 20, window[Measure.CONNECTIONS.ordinal()][0]);
        assertEquals(threads * perThread / 20, window[Measure.RECEIVED.ordinal()][0]);
    }

    @Test
    void theSeriesPerWorkerFollowTheClock() {
        AtomicLong millis = new AtomicLong(T0 * 1000 + 500);
        Activity activity = new Activity(millis::get);
        ServerObserver one = activity.observer(1);
        ServerObserver two = activity.observer(2);
        one.connected(null);
        two.connected(null);
        two.received(null, null);
        millis.addAndGet(1000); // T0 + 1.5 s
        two.connected(null);
        one.broadcast("/", "all", null);
        one.sent(null, null);
        // worker 1 restarts: its new server's observer counts on in the same ring
        ServerObserver oneAgain = activity.observer(1);
        oneAgain.disconnected(null, null);

        assertEquals(T0, activity.lastCompleteSecond(), "T0 + 1.5 s");
        millis.set((T0 + 2) * 1000 + Activity.GRACE_MILLIS - 1);
        assertEquals(T0, activity.lastCompleteSecond(), "T0 + 1 is complete only after the grace");
        millis.set((T0 + 2) * 1000 + Activity.GRACE_MILLIS);
        assertEquals(T0 + 1, activity.lastCompleteSecond());
        JsonObject series = activity.series(List.of(1, 2));
        assertEquals(T0, series.getLong("from"), "from when counting began");
        assertEquals(T0 + 1, series.getLong("to"));
        JsonArray workers = series.getJsonArray("workers");
        assertEquals(2, workers.size());
        JsonObject w1 = workers.getJsonObject(0);
        assertEquals(1, w1.getInteger("worker"));
        assertEquals(new JsonArray().add(1).add(0), w1.getJsonArray("connections"));
        assertEquals(new JsonArray().add(0).add(1), w1.getJsonArray("disconnections"));
        assertEquals(new JsonArray().add(0).add(2), w1.getJsonArray("emitted"));
        JsonObject w2 = workers.getJsonObject(1);
        assertEquals(new JsonArray().add(1).add(1), w2.getJsonArray("connections"));
        assertEquals(new JsonArray().add(1).add(0), w2.getJsonArray("received"));

        JsonObject second = activity.second(T0 + 1, List.of(1, 2));
        assertEquals(T0 + 1, second.getLong("second"));
        assertEquals(1, second.getJsonArray("workers").getJsonObject(1).getInteger("connections"));

        // worker 2 removed (scaled down): shown while its counts are in the window, then no more
        assertEquals(2, activity.series(List.of(1)).getJsonArray("workers").size());
        millis.addAndGet(ActivityRing.SECONDS * 1000L);
        JsonObject later = activity.series(List.of(1));
        assertEquals(Set.of(1), Set.of(later.getJsonArray("workers").getJsonObject(0).getInteger("worker")));
        assertEquals(1, later.getJsonArray("workers").size());
        assertEquals(ActivityRing.SECONDS, later.getJsonArray("workers").getJsonObject(0)
                .getJsonArray("connections").size(), "five minutes at most");
    }
}
