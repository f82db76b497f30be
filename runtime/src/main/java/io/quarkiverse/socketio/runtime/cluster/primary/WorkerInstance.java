package io.quarkiverse.socketio.runtime.cluster.primary;

import java.util.concurrent.CompletableFuture;

import io.quarkiverse.socketio.runtime.cluster.WorkerStatus.State;

/**
 * One launch of a worker process: its node number on the relay, its loopback HTTP port, its process, and where it is
 * in its life ({@link State}: starting, ready, draining, then stopped or crashed).
 * <p>
 * The fields are volatile, read from any thread; the supervisor changes {@link #state} under its lock.
 * {@link #ready} completes when the worker reports ready (exceptionally when it exits before), {@link #exited} with
 * its exit code.
 */
final class WorkerInstance {

    final WorkerSlot slot;
    final int node;
    /** the configuration generation it was launched at */
    final int generation;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final CompletableFuture<Integer> exited = new CompletableFuture<>();
    /** null until started, and when the launch failed */
    volatile Process process;
    volatile State state = State.STARTING;
    volatile int httpPort;
    volatile int sockets;
    /** {@link System#nanoTime()} at the start of its process; 0 when it never started */
    volatile long startedAt;
    /** {@link System#nanoTime()} when it became ready; 0 until then */
    volatile long readyAt;

    WorkerInstance(WorkerSlot slot, int node, int generation) {
        this.slot = slot;
        this.node = node;
        this.generation = generation;
    }

    /** The worker's index (its slot's). */
    int index() {
        return slot.index;
    }

    /** The process id as the progress lines and logs print it: {@code -} when there is no process. */
    String pid() {
        Process p = process;
        return p == null ? "-" : Long.toString(p.pid());
    }
}
