package io.quarkiverse.socketio.runtime.cluster.primary;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.quarkiverse.socketio.runtime.cluster.WorkerStatus.State;
import io.quarkiverse.socketio.runtime.config.WorkerCountConverter;

/**
 * The operator's reconfigurations of the process cluster: {@code reload} (every worker replaced, one at a time, at the
 * next configuration generation), {@code restart <worker>} (one replaced) and {@code scale <count>}, each reporting its
 * steps as progress lines. A replacement is launched beside the worker it replaces, awaited until it serves, and only
 * then made the slot's worker while the old one drains; a replacement that does not become ready ends the command and
 * the old worker keeps serving.
 * <p>
 * One reconfiguration at a time: another one is refused while one runs, and every one is refused once the cluster is
 * stopping. A command runs on its caller's thread (a control session, a management request's worker thread) and
 * blocks until done; this object's lock guards only the flag of the one in progress, never a wait. The workers are
 * changed through {@link Workers} (the supervisor, which has its own lock) and stopped through {@link Drain}.
 */
final class Reconfigurations {

    /** What a reconfiguration changes in the supervision. */
    interface Workers {

        /** Whether the cluster is stopping. */
        boolean stopping();

        /** Moves the cluster to the next configuration generation, the one launched workers run from now on. */
        int nextGeneration();

        /** The indexes of the workers, ascending. */
        List<Integer> indexes();

        /**
         * Launches a process for worker {@code index} beside its current one, which stays the slot's worker.
         *
         * @return the slot's current worker and the replacement, or null when there is no worker {@code index}
         */
        Replacement launchReplacement(int index);

        /** Makes a ready replacement its slot's worker; a slot given up in a crash loop is so no longer. */
        void promote(WorkerInstance replacement);

        /** Adds the workers up to {@code count}, each launched; returns the new ones, in index order. */
        List<WorkerInstance> addUpTo(int count);

        /** Removes the workers above {@code count} from the cluster, highest first; they go on running. */
        List<Removed> removeAbove(int count);
    }

    /** Stops one worker by draining it; returns when it exited. */
    @FunctionalInterface
    interface Drain {
        void drain(WorkerInstance instance) throws InterruptedException;
    }

    /** A worker's current process ({@code old}, null when it has none) and the one launched to replace it. */
    record Replacement(WorkerInstance old, WorkerInstance replacement) {
    }

    /** A removed worker: its index and its process (null when it has none). */
    record Removed(int index, WorkerInstance current) {
    }

    private final Workers workers;
    private final Drain drain;
    private final Duration startTimeout;
    /** guarded by this */
    private boolean reconfiguring;

    /**
     * @param startTimeout {@code worker-start-timeout}: a new worker is awaited that long, and one second more
     */
    Reconfigurations(Workers workers, Drain drain, Duration startTimeout) {
        this.workers = workers;
        this.drain = drain;
        this.startTimeout = startTimeout;
    }

    /**
     * Replaces every worker, one at a time: starts a replacement, waits until it serves, stops routing new sessions
     * to the old one, drains it. A replacement that does not become ready ends the reload; the old worker keeps
     * serving.
     */
    void reload(Consumer<String> progress) throws Exception {
        begin();
        try {
            int target = workers.nextGeneration();
            progress.accept("reloading to configuration generation " + target);
            for (int index : workers.indexes()) {
                replace(index, progress);
            }
            progress.accept("reloaded " + workers.indexes().size() + " workers");
        } finally {
            end();
        }
    }

    /** Replaces worker {@code index} as a reload does. */
    void restart(int index, Consumer<String> progress) throws Exception {
        begin();
        try {
            if (!workers.indexes().contains(index)) {
                throw new IllegalArgumentException("There is no worker " + index);
            }
            replace(index, progress);
        } finally {
            end();
        }
    }

    /** Changes the number of workers: new ones are started and awaited; removed ones (the highest) drain. */
    void scale(int count, Consumer<String> progress) throws Exception {
        if (count < 1 || count > WorkerCountConverter.MAX_WORKERS) {
            throw new IllegalArgumentException("A cluster has 1 to " + WorkerCountConverter.MAX_WORKERS
                    + " workers; use stop to stop it");
        }
        begin();
        try {
            List<WorkerInstance> started = workers.addUpTo(count);
            for (WorkerInstance instance : started) {
                progress.accept("worker " + instance.index() + ": starting (pid " + instance.pid() + ")");
            }
            List<Removed> removed = workers.removeAbove(count);
            for (WorkerInstance instance : started) {
                awaitReady(instance);
                progress.accept("worker " + instance.index() + ": ready");
            }
            for (Removed slot : removed) {
                WorkerInstance current = slot.current();
                if (current != null) {
                    progress.accept("worker " + slot.index() + ": draining (pid " + current.pid() + ")");
                    drain.drain(current);
                }
                progress.accept("worker " + slot.index() + ": stopped");
            }
            progress.accept("scaled to " + count + " workers");
        } finally {
            end();
        }
    }

    private synchronized void begin() {
        if (workers.stopping()) {
            throw new IllegalStateException("The cluster is stopping");
        }
        if (reconfiguring) {
            throw new IllegalStateException("Another reload, restart or scale is in progress");
        }
        reconfiguring = true;
    }

    private synchronized void end() {
        reconfiguring = false;
    }

    private void replace(int index, Consumer<String> progress) throws Exception {
        Replacement launched = workers.launchReplacement(index);
        if (launched == null) {
            return;
        }
        WorkerInstance old = launched.old();
        WorkerInstance replacement = launched.replacement();
        progress.accept("worker " + index + ": starting a replacement (pid " + replacement.pid() + ")");
        try {
            awaitReady(replacement);
        } catch (Exception e) {
            Process process = replacement.process;
            if (process != null) {
                process.destroyForcibly();
            }
            throw new IllegalStateException("worker " + index + ": the replacement did not become ready ("
                    + e.getMessage() + "); the old worker keeps serving", e);
        }
        workers.promote(replacement);
        progress.accept("worker " + index + ": replacement ready (pid " + replacement.pid() + "), draining pid "
                + (old == null ? "-" : old.pid()));
        if (old != null && old.state != State.STOPPED) {
            drain.drain(old);
        }
        progress.accept("worker " + index + ": replaced");
    }

    private void awaitReady(WorkerInstance instance) throws Exception {
        try {
            instance.ready.get(startTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("not ready within " + startTimeout.toMillis() + " ms");
        }
    }
}
