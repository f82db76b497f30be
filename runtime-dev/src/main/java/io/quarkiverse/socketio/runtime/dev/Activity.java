package io.quarkiverse.socketio.runtime.dev;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.node.ArrayNode;

import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.dev.ActivityRing.Measure;
import io.quarkiverse.socketio.runtime.server.ServerObserver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The per-second counts of every worker, for the card's "Activity" page: one {@link ActivityRing} per worker index,
 * kept when the worker restarts (its new server counts on in the same ring, so the lines go on through a restart).
 */
final class Activity {

    /**
     * How long after a second ends it is taken as complete: a count made at its very end, by an event loop that read
     * the clock just before, is then in it.
     */
    static final long GRACE_MILLIS = 200;

    private final LongSupplier clock;
    /** When counting began: the series start there, not five minutes of zeros before the application started. */
    private final long firstSecond;
    private final Map<Integer, ActivityRing> rings = new ConcurrentSkipListMap<>();

    /** @param clock the wall clock in milliseconds (a test's own clock in the tests) */
    Activity(LongSupplier clock) {
        this.clock = clock;
        this.firstSecond = Math.floorDiv(clock.getAsLong(), 1000);
    }

    /** The observer that counts what happens on a server of {@code worker} (1 and up). */
    ServerObserver observer(int worker) {
        return new Counter(rings.computeIfAbsent(worker, w -> new ActivityRing()));
    }

    /** The last second that is over (with {@link #GRACE_MILLIS}), in epoch seconds. */
    long lastCompleteSecond() {
        return Math.floorDiv(clock.getAsLong() - GRACE_MILLIS, 1000) - 1;
    }

    /**
     * Every complete second since counting began, at most the last {@link ActivityRing#SECONDS}: {@code from} and
     * {@code to} (epoch seconds, both included) and per worker one array per measure, one count per second.
     *
     * @param current the workers the cluster has now: shown even when idle (a worker gone is shown while it has
     *        counts in the window)
     */
    JsonObject series(Collection<Integer> current) {
        long to = lastCompleteSecond();
        long from = Math.max(firstSecond, to - ActivityRing.SECONDS + 1);
        JsonArray workers = new JsonArray();
        for (int worker : shown(current, from, to)) {
            int[][] window = ring(worker).window(from, to);
            JsonObject entry = new JsonObject().put("worker", worker);
            for (Measure measure : Measure.values()) {
                JsonArray counts = new JsonArray();
                for (int count : window[measure.ordinal()]) {
                    counts.add(count);
                }
                entry.put(measure.key, counts);
            }
            workers.add(entry);
        }
        return new JsonObject().put("from", from).put("to", Math.max(to, from - 1)).put("workers", workers);
    }

    /** The counts of one second per worker: {@code second} and per worker one number per measure. */
    JsonObject second(long second, Collection<Integer> current) {
        JsonArray workers = new JsonArray();
        for (int worker : shown(current, second, second)) {
            int[][] window = ring(worker).window(second, second);
            JsonObject entry = new JsonObject().put("worker", worker);
            for (Measure measure : Measure.values()) {
                entry.put(measure.key, window[measure.ordinal()].length == 0 ? 0 : window[measure.ordinal()][0]);
            }
            workers.add(entry);
        }
        return new JsonObject().put("second", second).put("workers", workers);
    }

    private ActivityRing ring(int worker) {
        ActivityRing ring = rings.get(worker);
        return ring != null ? ring : new ActivityRing();
    }

    private Set<Integer> shown(Collection<Integer> current, long from, long to) {
        Set<Integer> shown = new TreeSet<>(current);
        rings.forEach((worker, ring) -> {
            if (!shown.contains(worker) && hasCounts(ring.window(from, to))) {
                shown.add(worker);
            }
        });
        return shown;
    }

    private static boolean hasCounts(int[][] window) {
        for (int[] counts : window) {
            for (int count : counts) {
                if (count != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Counts into the ring of one worker, at the second of each call. */
    private final class Counter implements ServerObserver {

        private final ActivityRing ring;

        Counter(ActivityRing ring) {
            this.ring = ring;
        }

        private void count(Measure measure) {
            ring.add(measure, Math.floorDiv(clock.getAsLong(), 1000));
        }

        @Override
        public void connected(SocketIOSocket socket) {
            count(Measure.CONNECTIONS);
        }

        @Override
        public void disconnected(SocketIOSocket socket, DisconnectReason reason) {
            count(Measure.DISCONNECTIONS);
        }

        @Override
        public void received(SocketIOSocket socket, ArrayNode event) {
            count(Measure.RECEIVED);
        }

        @Override
        public void sent(SocketIOSocket socket, ArrayNode event) {
            count(Measure.EMITTED);
        }

        @Override
        public void broadcast(String namespace, String selection, ArrayNode event) {
            count(Measure.EMITTED);
        }
    }
}
