package io.quarkiverse.socketio.runtime.cluster.primary;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import io.quarkiverse.socketio.runtime.config.SocketIOConfig;

/**
 * When a worker that exited is restarted, or given up: the rules of {@code restart-delay}, {@code restart-max-delay}
 * and {@code crash-loop.*}, without threads, processes or a clock (the caller gives the times, in
 * {@link System#nanoTime()} units), so they are tested alone.
 * <ul>
 * <li>A <em>crash</em> is an exit before the worker ran for the crash-loop window (counted from its launch); an exit
 * after a longer run resets the count of consecutive crashes.</li>
 * <li>The delay before a restart is {@code restart-delay}, doubled for each consecutive crash after the first, at most
 * {@code restart-max-delay}. So after a reset the next two restarts both wait {@code restart-delay}: the reset itself
 * counts none, the first crash after it counts one.</li>
 * <li>A <em>crash loop</em>: the slot was restarted {@code crash-loop.max-restarts} times within the window before this
 * exit (restarts older than the window no longer count; one exactly as old as the window still does). The slot is then
 * not restarted; the decision counts the crashes, the restarts within the window and this exit.</li>
 * </ul>
 * A restart is recorded in the slot's {@link History} when it is decided, a crash loop records nothing.
 * <p>
 * The policy is immutable. A {@link History} is not thread-safe: its owner (the supervisor, under its lock) guards it.
 */
final class RestartPolicy {

    private final long restartDelayMillis;
    private final long restartMaxDelayMillis;
    private final int maxRestarts;
    private final Duration window;

    RestartPolicy(Duration restartDelay, Duration restartMaxDelay, int maxRestarts, Duration window) {
        this.restartDelayMillis = restartDelay.toMillis();
        this.restartMaxDelayMillis = restartMaxDelay.toMillis();
        this.maxRestarts = maxRestarts;
        this.window = window;
    }

    /** The policy the configuration says. */
    static RestartPolicy of(SocketIOConfig.Cluster config) {
        return new RestartPolicy(config.restartDelay(), config.restartMaxDelay(), config.crashLoop().maxRestarts(),
                config.crashLoop().window());
    }

    /** The crash-loop window. */
    Duration window() {
        return window;
    }

    /**
     * Decides what follows an exit of the slot's worker, and records a decided restart in {@code history}.
     *
     * @param startedAt when the worker that exited was launched, or 0 when it never started (it counts as a crash)
     * @param now when it exited
     */
    Decision onExit(History history, long startedAt, long now) {
        long windowNanos = window.toNanos();
        while (!history.restarts.isEmpty() && now - history.restarts.peekFirst() > windowNanos) {
            history.restarts.removeFirst();
        }
        if (history.restarts.size() >= maxRestarts) {
            return new CrashLoop(history.restarts.size() + 1);
        }
        boolean ranLong = startedAt != 0 && now - startedAt >= windowNanos;
        history.consecutiveCrashes = ranLong ? 0 : history.consecutiveCrashes + 1;
        long delay = restartDelayMillis;
        for (int i = 1; i < history.consecutiveCrashes && delay < restartMaxDelayMillis; i++) {
            delay *= 2;
        }
        delay = Math.min(delay, restartMaxDelayMillis);
        history.restarts.addLast(now);
        history.restartCount++;
        return new Restart(delay);
    }

    /** What follows a worker's exit. */
    sealed interface Decision permits Restart, CrashLoop {
    }

    /** Launch the slot's worker again after {@code delayMillis}. */
    record Restart(long delayMillis) implements Decision {
    }

    /** Give the slot up: {@code crashes} exits within the window, this one included. */
    record CrashLoop(int crashes) implements Decision {
    }

    /** One slot's restarts, kept across its workers. Not thread-safe. */
    static final class History {

        /** when each restart within the window was decided, oldest first */
        private final Deque<Long> restarts = new ArrayDeque<>();
        private int consecutiveCrashes;
        private int restartCount;

        /** How many times the slot was restarted since it was created. */
        int restartCount() {
            return restartCount;
        }
    }
}
