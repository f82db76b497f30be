package io.quarkiverse.socketio.runtime.dev;

import java.util.Arrays;

/**
 * What one worker did, second by second, over the last {@link #SECONDS} seconds: a ring of one-second buckets, each
 * counting every {@link Measure} for the wall-clock second it holds. A count goes to the second of the call, so that
 * the workers' lines of a chart line up; a bucket is reused, and its counts cleared, when a second {@link #SECONDS}
 * later comes to it. The observer calls it from several event loops at once (and from the new server of a worker
 * that restarted): one lock, held for a few array writes, is cheap enough for dev mode.
 */
final class ActivityRing {

    /** Five minutes: enough to see a test run or a restart, small enough to send whole to a page that opens. */
    static final int SECONDS = 300;

    /** What is counted, each a series of the page's charts. */
    enum Measure {
        /** A socket connected to a namespace. */
        CONNECTIONS("connections"),
        /** A socket left a namespace, whatever the reason. */
        DISCONNECTIONS("disconnections"),
        /** An event came from a client. */
        RECEIVED("received"),
        /** The server emitted an event: to one socket, or a broadcast (counted once, however many get it). */
        EMITTED("emitted");

        /** Its name in the JSON of the Dev UI. */
        final String key;

        Measure(String key) {
            this.key = key;
        }
    }

    private static final int MEASURES = Measure.values().length;

    /** The second each bucket counts, {@link Long#MIN_VALUE} for a bucket never used. Guarded by this. */
    private final long[] seconds = new long[SECONDS];
    /** The counts of each bucket, {@link #MEASURES} per bucket. Guarded by this. */
    private final int[] counts = new int[SECONDS * MEASURES];

    ActivityRing() {
        Arrays.fill(seconds, Long.MIN_VALUE);
    }

    /** Counts one {@code measure} in {@code second} (epoch seconds); a second older than the ring is dropped. */
    synchronized void add(Measure measure, long second) {
        int bucket = Math.floorMod(second, SECONDS);
        if (seconds[bucket] != second) {
            if (seconds[bucket] > second) {
                // the bucket already counts a later second: this one is more than five minutes old
                return;
            }
            seconds[bucket] = second;
            Arrays.fill(counts, bucket * MEASURES, (bucket + 1) * MEASURES, 0);
        }
        counts[bucket * MEASURES + measure.ordinal()]++;
    }

    /**
     * The counts from second {@code from} to second {@code to}, both included: {@code [measure][second - from]}, 0 for
     * a second with nothing counted or gone from the ring. At most the last {@link #SECONDS} up to {@code to}.
     */
    synchronized int[][] window(long from, long to) {
        long first = Math.max(from, to - SECONDS + 1);
        int length = (int) Math.max(0, to - first + 1);
        int[][] window = new int[MEASURES][length];
        for (int i = 0; i < length; i++) {
            long second = first + i;
            int bucket = Math.floorMod(second, SECONDS);
            if (seconds[bucket] == second) {
                for (int m = 0; m < MEASURES; m++) {
                    window[m][i] = counts[bucket * MEASURES + m];
                }
            }
        }
        return window;
    }
}
