package io.quarkiverse.socketio.runtime.cluster.primary;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * Stops workers. One worker is drained (a reload, a restart, a scale down): no new handshake or request is routed to
 * it, it gets {@value #GRACE_MILLIS} ms to answer what it was sent, then SIGTERM (it closes its clients, which reconnect
 * to the others), then SIGKILL when it still runs after {@code drain-timeout}. All workers are stopped at once when the
 * primary stops: the supervisor is told first (nothing is restarted any more), then SIGTERM to each, then SIGKILL to
 * those still running after the timeout.
 * <p>
 * It holds no state; its methods block their caller (an operator's command, the primary's shutdown hook) until the
 * workers exited, and take no lock but the supervisor's, briefly, to mark a worker draining.
 */
final class Draining {

    /** The primary's category, as before the primary was split: operators' log settings name it. */
    private static final Logger LOG = Logger.getLogger(ClusterPrimary.class);
    /** How long a worker that is no longer routed to gets before SIGTERM, to answer the requests it was sent. */
    static final long GRACE_MILLIS = 500;

    private final WorkerSupervisor supervisor;
    private final Duration drainTimeout;

    Draining(WorkerSupervisor supervisor, Duration drainTimeout) {
        this.supervisor = supervisor;
        this.drainTimeout = drainTimeout;
    }

    /** Drains one worker; returns when it exited (or was killed). */
    void drain(WorkerInstance instance) throws InterruptedException {
        supervisor.markDraining(instance);
        Process process = instance.process;
        if (process == null) {
            return;
        }
        Thread.sleep(GRACE_MILLIS);
        process.destroy();
        try {
            instance.exited.get(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("Socket.IO cluster worker %d (pid %d) did not exit within %d ms: killing it",
                    instance.index(), process.pid(), drainTimeout.toMillis());
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Marks the cluster stopping, then SIGTERM to every worker, then SIGKILL to those alive after {@code timeout}. */
    void stopAll(Duration timeout) {
        supervisor.markStopping();
        List<Process> processes = supervisor.liveProcesses();
        List<CompletableFuture<Process>> exits = new ArrayList<>();
        for (Process process : processes) {
            process.destroy();
            exits.add(process.onExit());
        }
        LOG.debugf("Sent SIGTERM to %d workers", processes.size());
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            for (Process process : processes) {
                if (process.isAlive()) {
                    LOG.warnf("Socket.IO cluster worker pid %d did not exit within %d ms: killing it", process.pid(),
                            timeout.toMillis());
                    process.destroyForcibly();
                }
            }
        }
    }
}
