package io.quarkiverse.socketio.runtime.cluster;

/**
 * A worker as the operator's {@code status} shows it.
 *
 * @param index the worker's place, 1 to the number of workers (kept across restarts)
 * @param pid its process id, -1 when it has none
 * @param state where it is in its life
 * @param uptimeMillis how long it has served (0 unless ready)
 * @param restarts how many times it was restarted after it exited
 * @param sockets the Socket.IO sockets it serves
 * @param rssKb its resident memory, 0 where the system does not tell (or in-JVM workers, which share one process)
 * @param cpuMillis the CPU time of its process, 0 where the system does not tell
 * @param generation the configuration generation it runs (one more for each reload)
 */
public record WorkerStatus(int index, long pid, State state, long uptimeMillis, int restarts, int sockets,
        long rssKb, long cpuMillis, int generation) {

    /** The states of a worker. */
    public enum State {
        STARTING,
        READY,
        DRAINING,
        STOPPED,
        CRASHED
    }
}
