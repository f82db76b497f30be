package io.quarkiverse.socketio.runtime.cluster.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.runtime.cluster.primary.RestartPolicy.CrashLoop;
import io.quarkiverse.socketio.runtime.cluster.primary.RestartPolicy.Decision;
import io.quarkiverse.socketio.runtime.cluster.primary.RestartPolicy.History;
import io.quarkiverse.socketio.runtime.cluster.primary.RestartPolicy.Restart;

/**
 * The restart rules alone, on a clock of the test's own (seconds, as {@link System#nanoTime()} units): the backoff of
 * consecutive crashes, its reset after a long run, and the crash loop with its sliding window.
 */
class RestartPolicyTest {

    /** restart-delay 1 s, restart-max-delay 10 s, crash-loop 5 restarts within 60 s: the defaults but the max delay */
    private final RestartPolicy policy = new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), 5,
            Duration.ofSeconds(60));
    private final History history = new History();

    private static long at(double seconds) {
        return (long) (seconds * TimeUnit.SECONDS.toNanos(1));
    }

    private static Decision restartIn(long millis) {
        return new Restart(millis);
    }

    @Test
    void theFirstExitWaitsTheRestartDelay() {
        assertEquals(restartIn(1000), policy.onExit(history, at(100), at(101)));
        assertEquals(1, history.restartCount());
    }

    @Test
    void eachConsecutiveCrashDoublesTheDelayUpToTheMaximum() {
        RestartPolicy patient = new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), 100,
                Duration.ofSeconds(60));
        List<Long> delays = new ArrayList<>();
        long now = at(1000);
        for (int crash = 0; crash < 7; crash++) {
            long started = now;
            now += at(0.5); // dies half a second after its launch: a crash
            Restart restart = (Restart) patient.onExit(history, started, now);
            delays.add(restart.delayMillis());
            now += TimeUnit.MILLISECONDS.toNanos(restart.delayMillis());
        }
        assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 10000L, 10000L, 10000L), delays);
        assertEquals(7, history.restartCount());
    }

    @Test
    void aDelayAboveTheMaximumIsCappedFromTheFirstRestart() {
        RestartPolicy odd = new RestartPolicy(Duration.ofSeconds(5), Duration.ofSeconds(2), 5, Duration.ofSeconds(60));
        assertEquals(restartIn(2000), odd.onExit(history, at(0), at(1)));
        assertEquals(restartIn(2000), odd.onExit(history, at(3), at(4)));
    }

    @Test
    void aRunLongerThanTheWindowResetsTheBackoff() {
        policy.onExit(history, at(0), at(1));
        policy.onExit(history, at(2), at(3));
        assertEquals(restartIn(4000), policy.onExit(history, at(5), at(6)), "third consecutive crash");
        // the next worker runs 100 s, longer than the 60 s window: no crash, the backoff starts over
        assertEquals(restartIn(1000), policy.onExit(history, at(10), at(110)));
        // today's rule: the first crash after the reset counts one, so it waits restart-delay too; then it doubles
        assertEquals(restartIn(1000), policy.onExit(history, at(111), at(112)));
        assertEquals(restartIn(2000), policy.onExit(history, at(113), at(114)));
    }

    @Test
    void aRunOfExactlyTheWindowIsNotACrash() {
        policy.onExit(history, at(0), at(1));
        policy.onExit(history, at(2), at(3));
        assertEquals(restartIn(1000), policy.onExit(history, at(4), at(64)));
    }

    @Test
    void aWorkerThatNeverStartedCountsAsACrash() {
        // startedAt 0: the launch itself failed, however late "now" is
        policy.onExit(history, at(0), at(1));
        assertEquals(restartIn(2000), policy.onExit(history, 0, at(1000)));
    }

    @Test
    void maxRestartsWithinTheWindowMakeACrashLoop() {
        long now = at(0);
        for (int restart = 1; restart <= 5; restart++) {
            assertEquals(Restart.class, policy.onExit(history, now, now + at(1)).getClass(), "restart " + restart);
            now += at(2);
        }
        // five restarts within 10 s: the sixth exit is a crash loop, counting the six crashes
        assertEquals(new CrashLoop(6), policy.onExit(history, now, now + at(1)));
        assertEquals(5, history.restartCount(), "a crash loop is no restart");
        // nothing was recorded: asked again at the same time, the answer is the same
        assertEquals(new CrashLoop(6), policy.onExit(history, now, now + at(1)));
    }

    @Test
    void restartsOlderThanTheWindowNoLongerCount() {
        // restarts at 10, 20, 30, 40, 50 s
        for (int t = 10; t <= 50; t += 10) {
            policy.onExit(history, at(t - 1), at(t));
        }
        assertEquals(new CrashLoop(6), policy.onExit(history, at(60), at(70)), "the one at 10 s is 60 s old: it counts");
        // at 70.5 s the restart at 10 s is older than the window: four count, so it restarts
        assertEquals(Restart.class, policy.onExit(history, at(70), at(70.5)).getClass());
        assertEquals(6, history.restartCount());
        // at 71 s the restarts at 20..50 s and 70.5 s count: five, a crash loop again
        assertEquals(new CrashLoop(6), policy.onExit(history, at(70.6), at(71)));
        // long after, all have aged out
        assertEquals(Restart.class, policy.onExit(history, at(200), at(200.5)).getClass());
    }

    @Test
    void aCrashLoopLeavesTheBackoffAsItWas() {
        RestartPolicy two = new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), 2, Duration.ofSeconds(60));
        assertEquals(restartIn(1000), two.onExit(history, at(0), at(1)));
        assertEquals(restartIn(2000), two.onExit(history, at(2), at(3)));
        assertEquals(new CrashLoop(3), two.onExit(history, at(5), at(6)));
        // an operator's restart later, whose worker crashes once the window has passed: the third consecutive crash
        assertEquals(restartIn(4000), two.onExit(history, at(100), at(101)));
    }

    @Test
    void theDefaultsOfTheConfiguration() {
        RestartPolicy defaults = new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), 5,
                Duration.ofSeconds(60));
        assertEquals(Duration.ofSeconds(60), defaults.window());
        long now = at(0);
        List<Long> delays = new ArrayList<>();
        Decision decision;
        while ((decision = defaults.onExit(history, now, now + at(0.1))) instanceof Restart restart) {
            delays.add(restart.delayMillis());
            now += at(0.1) + TimeUnit.MILLISECONDS.toNanos(restart.delayMillis());
        }
        assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 16000L), delays);
        assertEquals(new CrashLoop(6), decision);
    }
}
