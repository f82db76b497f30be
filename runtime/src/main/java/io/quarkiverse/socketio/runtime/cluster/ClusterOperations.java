package io.quarkiverse.socketio.runtime.cluster;

import java.util.List;
import java.util.function.Consumer;

/**
 * What an operator can do with a cluster of workers: the process cluster's primary and the in-JVM cluster of dev and
 * test mode both implement it, and the control socket (the {@code socketio} command line), the primary's management
 * endpoints and the Dev UI all call it, through {@link OperatorCommand}.
 * <p>
 * The commands that change the cluster block until they are done and report each step to {@code progress} as it
 * happens; they fail with {@link IllegalArgumentException} for a request that cannot be right (a worker that does not
 * exist) and {@link IllegalStateException} when the cluster cannot do it now (another change in progress, stopping).
 * They may be called from any thread but an event loop.
 */
public interface ClusterOperations {

    /** One row per worker, in index order. */
    List<WorkerStatus> status();

    /** The configuration generation the workers should run: 1 at start, one more for each reload. */
    int generation();

    /** The last lines the workers wrote, oldest first. */
    List<String> logs();

    /** Replaces every worker, one at a time; each replacement serves before the worker it replaces goes. */
    void reload(Consumer<String> progress) throws Exception;

    /** Replaces one worker as a reload does. */
    void restart(int worker, Consumer<String> progress) throws Exception;

    /** Changes the number of workers: new ones start with the next indexes, the highest ones go. */
    void scale(int workers, Consumer<String> progress) throws Exception;

    /** Stops the cluster: the workers drain, then the process exits. */
    void stop();
}
