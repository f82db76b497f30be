package io.quarkiverse.socketio.runtime.cluster.primary;

/**
 * A worker's place in the cluster: its index stays across restarts and reloads, its process (the current
 * {@link WorkerInstance}) changes. It carries what outlives one process: the restart history, the last lines, whether
 * it ever served, whether it was given up in a crash loop.
 * <p>
 * The mutable fields are guarded by the {@link WorkerSupervisor}'s lock; {@link #lastLines} is thread-safe on its own.
 */
final class WorkerSlot {

    final int index;
    final RestartPolicy.History restarts = new RestartPolicy.History();
    final LastLines lastLines = new LastLines();
    /** the process serving this slot, or being launched for it; null only before the first launch */
    WorkerInstance current;
    /** whether a worker of this slot became ready once (the primary's first start waits for each slot once) */
    boolean everReady;
    /** given up after a crash loop, until an operator's restart or reload replaces its worker */
    boolean crashLoop;

    WorkerSlot(int index) {
        this.index = index;
    }
}
