package io.quarkiverse.socketio.runtime.cluster.primary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.quarkiverse.socketio.runtime.cluster.SocketHandoff;
import io.quarkiverse.socketio.runtime.cluster.WorkerStatus;
import io.quarkiverse.socketio.runtime.cluster.WorkerStatus.State;
import io.quarkiverse.socketio.runtime.cluster.wire.ControlMessage;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;

/**
 * The supervision of the worker processes: the desired worker slots and the instances launched for them, what follows
 * a worker's events (ready: routed to, and handed its WebSockets; link closed: no longer routed to; exited: restarted
 * as the {@link RestartPolicy} says, or given up in a crash loop), a start that takes longer than
 * {@code worker-start-timeout} (killed), and what the operator's status, logs and reconfigurations read and change.
 * <p>
 * Threads: the relay's threads report the workers' events, the JDK's process reaper their exits, one scheduler thread
 * ({@code timers}) runs the start timeouts and the delayed restarts, the operator's commands come on their own threads.
 * This object's lock guards the slots and their fields, the node numbers and the generation, and makes each change of
 * an instance's state one step with the router's view of it (a worker is added to, drained from or removed from the
 * router under the lock). The instances by node are a concurrent map, read without the lock by the events; the
 * {@code stopping} flag is volatile. Nothing waits for a worker under the lock (a process is started under it, as the
 * launch is one step with the slot's bookkeeping): awaiting a worker and draining it are done by the callers
 * ({@link Reconfigurations}, {@link Draining}) on their own threads.
 */
final class WorkerSupervisor implements Reconfigurations.Workers {

    /** The primary's category, as before the primary was split: operators' log settings name it. */
    private static final Logger LOG = Logger.getLogger(ClusterPrimary.class);

    private final Vertx vertx;
    private final SocketIOConfig.Cluster config;
    private final RestartPolicy policy;
    private final WorkerLauncher launcher;
    private final ClusterRelay relay;
    private final StickyRouter router;
    private final ScheduledExecutorService timers;
    /** index -> slot; guarded by this */
    private final Map<Integer, WorkerSlot> slots = new TreeMap<>();
    /** the launched instances whose process has not exited yet */
    private final Map<Integer, WorkerInstance> byNode = new ConcurrentHashMap<>();
    /** one count per slot, down when the slot's first worker is ready or the slot is given up */
    private final CountDownLatch firstStart;
    /** guarded by this */
    private int nextNode = 1;
    /**
     * The configuration generation the workers should run: 1 at start, one more for each reload (which relaunches
     * every worker with the jar and configuration as they are then). A worker runs the generation that was current when
     * it was launched (also when it is restarted after a crash), so after a reload that stopped halfway the status
     * shows which workers still run the previous one. Guarded by this.
     */
    private int generation = 1;
    private volatile boolean stopping;

    /**
     * @param workerCount the slots to start with, 1 to {@code workerCount}
     * @param timers the thread of the start timeouts and the restarts
     */
    WorkerSupervisor(Vertx vertx, SocketIOConfig.Cluster config, int workerCount, WorkerLauncher launcher,
            ClusterRelay relay, StickyRouter router, ScheduledExecutorService timers) {
        this.vertx = vertx;
        this.config = config;
        this.policy = RestartPolicy.of(config);
        this.launcher = launcher;
        this.relay = relay;
        this.router = router;
        this.timers = timers;
        for (int i = 1; i <= workerCount; i++) {
            slots.put(i, new WorkerSlot(i));
        }
        this.firstStart = new CountDownLatch(workerCount);
    }

    // ---------------------------------------------------------------- starting and stopping

    /** Launches a worker for every slot. */
    synchronized void launchAll() {
        for (WorkerSlot slot : slots.values()) {
            slot.current = launch(slot);
        }
    }

    /** Waits until every slot's first worker is ready or given up; false when {@code millis} passed first. */
    boolean awaitFirstStart(long millis) throws InterruptedException {
        return firstStart.await(millis, TimeUnit.MILLISECONDS);
    }

    /** From now on, no worker is restarted, routed to when it reports ready, or killed for a slow start. */
    void markStopping() {
        stopping = true;
    }

    @Override
    public boolean stopping() {
        return stopping;
    }

    /** The processes launched and still alive. */
    List<Process> liveProcesses() {
        List<Process> processes = new ArrayList<>();
        for (WorkerInstance instance : byNode.values()) {
            Process process = instance.process;
            if (process != null && process.isAlive()) {
                processes.add(process);
            }
        }
        return processes;
    }

    /** No new handshake or request is routed to the instance. */
    synchronized void markDraining(WorkerInstance instance) {
        instance.state = State.DRAINING;
        router.drainWorker(instance.node);
    }

    // ---------------------------------------------------------------- what the operator and the workers read

    /** How many workers are ready, and how many there should be. */
    synchronized ControlMessage.ClusterReadiness readiness() {
        return new ControlMessage.ClusterReadiness(readyCount(), slots.size());
    }

    synchronized int readyCount() {
        int ready = 0;
        for (WorkerSlot slot : slots.values()) {
            if (slot.current != null && slot.current.state == State.READY) {
                ready++;
            }
        }
        return ready;
    }

    /** The restarts of each slot, by index. */
    synchronized Map<Integer, Integer> restartCounts() {
        Map<Integer, Integer> restarts = new TreeMap<>();
        for (WorkerSlot slot : slots.values()) {
            restarts.put(slot.index, slot.restarts.restartCount());
        }
        return restarts;
    }

    /** One row per slot, in index order; the memory and CPU are read from {@code /proc} after the lock is left. */
    List<WorkerStatus> status() {
        List<WorkerStatus> rows = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            for (WorkerSlot slot : slots.values()) {
                WorkerInstance current = slot.current;
                State state = slot.crashLoop ? State.CRASHED : current == null ? State.STOPPED : current.state;
                long pid = current == null || current.process == null ? -1 : current.process.pid();
                long uptime = current == null || current.readyAt == 0 || state != State.READY ? 0
                        : TimeUnit.NANOSECONDS.toMillis(now - current.startedAt);
                rows.add(new WorkerStatus(slot.index, pid, state, uptime, slot.restarts.restartCount(),
                        current == null ? 0 : current.sockets, 0, 0, current == null ? generation : current.generation));
            }
        }
        List<WorkerStatus> measured = new ArrayList<>(rows.size());
        for (WorkerStatus row : rows) {
            ProcessMetrics metrics = row.pid() > 0 && row.state() != State.STOPPED && row.state() != State.CRASHED
                    ? ProcessMetrics.of(row.pid())
                    : ProcessMetrics.NONE;
            measured.add(new WorkerStatus(row.index(), row.pid(), row.state(), row.uptimeMillis(), row.restarts(),
                    row.sockets(), metrics.rssKb(), metrics.cpuMillis(), row.generation()));
        }
        return measured;
    }

    /** The last lines of each slot, in index order. */
    synchronized List<String> logs() {
        List<String> lines = new ArrayList<>();
        for (WorkerSlot slot : slots.values()) {
            lines.addAll(slot.lastLines.lines());
        }
        return lines;
    }

    synchronized int generation() {
        return generation;
    }

    // ---------------------------------------------------------------- reconfigurations

    @Override
    public synchronized int nextGeneration() {
        return ++generation;
    }

    @Override
    public synchronized List<Integer> indexes() {
        return new ArrayList<>(slots.keySet());
    }

    @Override
    public synchronized Reconfigurations.Replacement launchReplacement(int index) {
        WorkerSlot slot = slots.get(index);
        if (slot == null) {
            return null;
        }
        WorkerInstance old = slot.current;
        return new Reconfigurations.Replacement(old, launch(slot));
    }

    @Override
    public synchronized void promote(WorkerInstance replacement) {
        replacement.slot.current = replacement;
        replacement.slot.crashLoop = false;
    }

    @Override
    public synchronized List<WorkerInstance> addUpTo(int count) {
        List<WorkerInstance> started = new ArrayList<>();
        for (int index = slots.size() + 1; index <= count; index++) {
            WorkerSlot slot = new WorkerSlot(index);
            slot.everReady = true;
            slots.put(index, slot);
            slot.current = launch(slot);
            started.add(slot.current);
        }
        return started;
    }

    @Override
    public synchronized List<Reconfigurations.Removed> removeAbove(int count) {
        List<Reconfigurations.Removed> removed = new ArrayList<>();
        while (slots.size() > count) {
            WorkerSlot slot = slots.remove(slots.size());
            removed.add(new Reconfigurations.Removed(slot.index, slot.current));
        }
        return removed;
    }

    // ---------------------------------------------------------------- the workers' events

    /** A worker reports ready: it is routed to, and its WebSockets are handed to it when it takes them. */
    void onReady(int node) {
        WorkerInstance instance = byNode.get(node);
        if (instance == null || stopping) {
            return;
        }
        synchronized (this) {
            if (instance.state != State.STARTING) {
                return;
            }
            router.addWorker(node, SocketAddress.inetSocketAddress(instance.httpPort, "127.0.0.1"));
            connectHandoff(node);
            instance.state = State.READY;
            instance.readyAt = System.nanoTime();
            LOG.infof("Socket.IO cluster worker %d ready (pid %d)", instance.slot.index, instance.process.pid());
            if (!instance.slot.everReady) {
                instance.slot.everReady = true;
                firstStart.countDown();
            }
        }
        instance.ready.complete(null);
    }

    /** A worker's link closed: no cluster messages reach it any more, so it is no longer routed to. */
    void onLinkClosed(int node) {
        WorkerInstance instance = byNode.get(node);
        if (instance != null && !stopping) {
            // it exits on its own (its link is gone)
            synchronized (this) {
                router.removeWorker(node);
            }
        }
    }

    void onStats(int node, int sockets) {
        WorkerInstance instance = byNode.get(node);
        if (instance != null) {
            instance.sockets = sockets;
        }
    }

    void onHandoffClosed(int node, ControlMessage.HandoffClosed closed) {
        router.handoffClosed(node, closed.sid(), closed.stillPolling());
    }

    // ---------------------------------------------------------------- launching, exits, restarts

    /** Launches a process for the slot (it becomes the slot's current one only when the caller says so). */
    private synchronized WorkerInstance launch(WorkerSlot slot) {
        int node = nextNode++;
        int index = slot.index;
        WorkerInstance instance = new WorkerInstance(slot, node, generation);
        byNode.put(node, instance);
        WorkerLauncher.Launched launched;
        try {
            launched = launcher.launch(index, node, line -> keep(index, line));
        } catch (IOException e) {
            LOG.errorf("Socket.IO cluster worker %d cannot be launched: %s", index, e.getMessage());
            instance.state = State.STOPPED;
            timers.execute(() -> exited(instance, -1));
            return instance;
        }
        Process process = launched.process();
        instance.httpPort = launched.httpPort();
        instance.process = process;
        instance.startedAt = System.nanoTime();
        process.onExit().thenAccept(p -> exited(instance, p.exitValue()));
        long startTimeout = config.workerStartTimeout().toMillis();
        timers.schedule(() -> {
            if (instance.state == State.STARTING && process.isAlive() && !stopping) {
                LOG.errorf("Socket.IO cluster worker %d (pid %d) is not ready after %d ms: killing it", index,
                        process.pid(), startTimeout);
                process.destroyForcibly();
            }
        }, startTimeout, TimeUnit.MILLISECONDS);
        return instance;
    }

    /** Keeps a line of worker {@code index} in the slot that has that index now. */
    private void keep(int index, String line) {
        WorkerSlot slot;
        synchronized (this) {
            slot = slots.get(index);
        }
        if (slot != null) {
            slot.lastLines.add(line);
        }
    }

    /**
     * Connects to the worker's handoff socket, when the worker listens on one (it does before it reports ready); until
     * then, and without, its WebSockets are piped.
     */
    private void connectHandoff(int node) {
        Path socket = SocketHandoff.socketPath(relay.socketPath(), node);
        if (!config.socketHandoff() || !SocketHandoff.available(vertx) || !Files.exists(socket)) {
            return;
        }
        HandoffSender.connect(vertx, socket).onComplete(ar -> {
            if (ar.succeeded()) {
                if (!router.handoff(node, ar.result())) {
                    ar.result().close(); // the worker left meanwhile
                }
            } else {
                LOG.warnf("Socket.IO cluster: cannot reach the handoff socket of node %d (%s); its WebSockets are "
                        + "piped", node, ar.cause().toString());
            }
        });
    }

    private void exited(WorkerInstance instance, int exitCode) {
        LOG.debugf("Socket.IO cluster worker %s (pid %s) exited with code %s", (Object) instance.slot.index,
                instance.pid(), exitCode);
        byNode.remove(instance.node);
        relay.forget(instance.node);
        instance.ready.completeExceptionally(new IllegalStateException("worker " + instance.slot.index + " (pid "
                + instance.pid() + ") exited with code " + exitCode + " before it was ready"));
        synchronized (this) {
            router.removeWorker(instance.node);
            State was = instance.state;
            instance.state = State.STOPPED;
            instance.exited.complete(exitCode);
            WorkerSlot slot = instance.slot;
            if (stopping || was == State.DRAINING || slot.current != instance || slots.get(slot.index) != slot) {
                return;
            }
            scheduleRestart(slot, instance, exitCode);
        }
    }

    /** The slot's current worker exited on its own: restart it after the policy's delay, or give the slot up. */
    private synchronized void scheduleRestart(WorkerSlot slot, WorkerInstance crashed, int exitCode) {
        RestartPolicy.Decision decision = policy.onExit(slot.restarts, crashed.startedAt, System.nanoTime());
        if (decision instanceof RestartPolicy.CrashLoop loop) {
            LOG.errorf("Socket.IO cluster worker %d crashed %d times within %ds: crash loop, it is not restarted",
                    slot.index, loop.crashes(), policy.window().toSeconds());
            slot.crashLoop = true;
            crashed.state = State.CRASHED;
            if (!slot.everReady) {
                firstStart.countDown();
            }
            return;
        }
        long delay = ((RestartPolicy.Restart) decision).delayMillis();
        crashed.state = State.CRASHED;
        LOG.warnf("Socket.IO cluster worker %d (pid %s) exited with code %d; restarting it in %d ms", slot.index,
                crashed.pid(), exitCode, delay);
        timers.schedule(() -> {
            synchronized (this) {
                if (!stopping && slots.get(slot.index) == slot && slot.current == crashed) {
                    slot.current = launch(slot);
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
    }
}
