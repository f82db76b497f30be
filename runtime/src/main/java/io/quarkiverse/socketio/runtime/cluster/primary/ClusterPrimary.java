package io.quarkiverse.socketio.runtime.cluster.primary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkiverse.socketio.runtime.cluster.ClusterOperations;
import io.quarkiverse.socketio.runtime.cluster.RelayTraffic;
import io.quarkiverse.socketio.runtime.cluster.SocketHandoff;
import io.quarkiverse.socketio.runtime.cluster.WorkerStatus;
import io.quarkiverse.socketio.runtime.cluster.WorkerStatus.State;
import io.quarkiverse.socketio.runtime.cluster.wire.ControlMessage;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.config.WorkerCountConverter;
import io.quarkiverse.socketio.runtime.recovery.RecoveryOptions;
import io.quarkiverse.socketio.runtime.recovery.RecoveryStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.SocketAddress;

/**
 * The primary process of a cluster: it launches the workers, routes the HTTP traffic of the public port to them
 * ({@link StickyRouter}), relays their cluster messages ({@link ClusterRelay}), supervises them, and takes the
 * operator's commands ({@link ClusterControl}). It runs none of the application's code.
 * <p>
 * It keeps a desired number of worker slots and reconciles toward it. Supervision: a worker that exits is restarted
 * after {@code restart-delay}, doubled for each consecutive crash (an exit before the worker ran for the crash-loop
 * window), up to {@code restart-max-delay}; a slot restarted {@code crash-loop.max-restarts} times within the window
 * is not restarted again. Workers are stopped by draining: no new handshake or request is routed to them, they get
 * SIGTERM and close their clients (which reconnect to the others), and those still running after
 * {@code drain-timeout} are killed. On SIGTERM (or Ctrl+C) the primary drains every worker and exits with status 0.
 * <p>
 * Each line a worker writes is printed by the primary, prefixed with {@code [worker N]}, and the last lines of each
 * worker are kept for the {@code logs} command.
 */
public final class ClusterPrimary implements ClusterRelay.Events, ClusterOperations {

    private static final Logger LOG = Logger.getLogger(ClusterPrimary.class);

    private final Vertx vertx;
    private final SocketIOConfig.Cluster config;
    private final RouterOptions routerOptions;
    private final RestartPolicy restartPolicy;
    private final String host;
    private final int port;
    private final List<String> command;
    /** index -> slot; guarded by this */
    private final Map<Integer, Slot> slots = new TreeMap<>();
    private final Map<Integer, Instance> byNode = new ConcurrentHashMap<>();
    /** The workers' lines, printed prefixed: the primary's last lines wait for theirs. */
    private final WorkerOutput output = new WorkerOutput();
    private final ScheduledExecutorService timers;
    private final CountDownLatch firstStart;
    private ClusterRelay relay;
    private WorkerLauncher launcher;
    /** connection state recovery, kept by the relay for every worker; null when off */
    private final RecoveryOptions recovery;
    private StickyRouter router;
    private ClusterControl control;
    private HttpServer management;
    private int nextNode = 1;
    private volatile boolean stopping;
    private volatile boolean reconfiguring;
    /**
     * The configuration generation the workers should run: 1 at start, one more for each reload (which relaunches
     * every worker with the jar and configuration as they are then). A worker runs the generation that was current when
     * it was launched (also when it is restarted after a crash), so after a reload that stopped halfway the status
     * shows which workers still run the previous one.
     */
    private int generation = 1;

    /**
     * @param workerCount how many workers to run
     * @param host the public host to listen on
     * @param port the public port
     */
    public ClusterPrimary(Vertx vertx, SocketIOConfig config, int workerCount, String host, int port) {
        this.vertx = vertx;
        this.config = config.cluster();
        this.recovery = RecoveryOptions.from(config);
        this.host = host;
        this.port = port;
        this.command = WorkerCommand.current();
        this.restartPolicy = RestartPolicy.of(config.cluster());
        this.routerOptions = new RouterOptions()
                .path(config.path())
                .strategy(config.cluster().routing())
                .sessionIdleTimeout(longest(Duration.ofSeconds(10),
                        config.pingInterval().plus(config.pingTimeout()).multipliedBy(2)));
        for (int i = 1; i <= workerCount; i++) {
            slots.put(i, new Slot(i));
        }
        this.firstStart = new CountDownLatch(workerCount);
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "socketio-cluster-supervisor");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts the cluster and serves until the process is told to stop, then exits the process. Returns only by
     * throwing, when the cluster cannot start.
     */
    public void run() throws Exception {
        relay = ClusterRelay.open(this, recovery);
        LOG.infof("Socket.IO cluster IPC channel: %s", relay.socketPath());
        launcher = new WorkerLauncher(command, relay, output);
        router = new StickyRouter(vertx, routerOptions);
        // the workers' health checks report the cluster's readiness, and their meters what only the primary counts:
        // tell them every second
        timers.scheduleAtFixedRate(() -> {
            relay.tellWorkers(readiness());
            relay.tellWorkers(clusterStats());
        }, 1, 1, TimeUnit.SECONDS);
        Thread drain = new Thread(this::drainAndExit, "socketio-cluster-drain");
        Runtime.getRuntime().addShutdownHook(drain);
        synchronized (this) {
            for (Slot slot : slots.values()) {
                slot.current = launch(slot);
            }
        }
        Duration startTimeout = config.workerStartTimeout();
        if (!firstStart.await(startTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS) && readyCount() == 0) {
            abort(drain);
            throw new IllegalStateException("No Socket.IO cluster worker became ready within "
                    + startTimeout.toMillis() + " ms; see the workers' log above");
        }
        try {
            router.listen(host, port).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            control = ClusterControl.listen(ClusterControl.directory(port), this);
            management = ClusterManagement.listen(vertx, ConfigProvider.getConfig(), this, config.managementActions())
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            abort(drain);
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("The Socket.IO cluster primary cannot listen on " + host + ":" + port + ": "
                    + cause.getMessage(), cause);
        }
        LOG.infof("Socket.IO cluster primary listening on http://%s:%d with %d workers", host, port, slots.size());
        // The application's startup must not go on in the primary: this thread waits until the process ends.
        new CountDownLatch(1).await();
    }

    /** Stops what started when the cluster cannot serve; the failure then ends the process with its own status. */
    private void abort(Thread drainHook) {
        try {
            Runtime.getRuntime().removeShutdownHook(drainHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook drains
            return;
        }
        stopAll(Duration.ofSeconds(5));
        router.close();
        relay.close();
        if (control != null) {
            control.close();
        }
        if (management != null) {
            management.close();
        }
        timers.shutdownNow();
    }

    /** The relay's frame deliveries and their bytes since the primary started. */
    public RelayTraffic relayTraffic() {
        return new RelayTraffic(relay.forwardedFrames(), relay.forwardedBytes());
    }

    /** What the store of connection state recovery holds, or {@code null} when recovery is off. */
    public RecoveryStore.Stats recoveryStats() {
        ClusterRelay current = relay;
        return current == null ? null : current.recoveryStats();
    }

    /** How many workers are ready, and how many there should be. */
    public synchronized ControlMessage.ClusterReadiness readiness() {
        return new ControlMessage.ClusterReadiness(readyCount(), slots.size());
    }

    /** The restarts of each worker slot and the relay's traffic, for the workers' meters. */
    public synchronized ControlMessage.ClusterStats clusterStats() {
        Map<Integer, Integer> restarts = new TreeMap<>();
        for (Slot slot : slots.values()) {
            restarts.put(slot.index, slot.restarts.restartCount());
        }
        RelayTraffic traffic = relayTraffic();
        return new ControlMessage.ClusterStats(restarts, traffic.frames(), traffic.bytes());
    }

    private synchronized int readyCount() {
        int ready = 0;
        for (Slot slot : slots.values()) {
            if (slot.current != null && slot.current.state == State.READY) {
                ready++;
            }
        }
        return ready;
    }

    // ---------------------------------------------------------------- launching and supervision

    /** Launches a process for the slot (it becomes the slot's current one only when the caller says so). */
    private synchronized Instance launch(Slot slot) {
        int node = nextNode++;
        int index = slot.index;
        Instance instance = new Instance(slot, node, generation);
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
        timers.schedule(() -> {
            if (instance.state == State.STARTING && process.isAlive() && !stopping) {
                LOG.errorf("Socket.IO cluster worker %d (pid %d) is not ready after %d ms: killing it", slot.index,
                        process.pid(), config.workerStartTimeout().toMillis());
                process.destroyForcibly();
            }
        }, config.workerStartTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return instance;
    }

    /** Keeps a line of worker {@code index} in the slot that has that index now. */
    private void keep(int index, String line) {
        Slot slot = slotOf(index);
        if (slot != null) {
            slot.lastLines.add(line);
        }
    }

    private synchronized Slot slotOf(int index) {
        return slots.get(index);
    }

    @Override
    public void onReady(int node) {
        Instance instance = byNode.get(node);
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

    @Override
    public void onHandoffClosed(int node, ControlMessage.HandoffClosed closed) {
        router.handoffClosed(node, closed.sid(), closed.stillPolling());
    }

    @Override
    public void onLinkClosed(int node) {
        Instance instance = byNode.get(node);
        if (instance != null && !stopping) {
            // No cluster messages reach it any more: stop routing to it; it exits on its own (its link is gone).
            synchronized (this) {
                router.removeWorker(node);
            }
        }
    }

    @Override
    public void onStats(int node, int sockets) {
        Instance instance = byNode.get(node);
        if (instance != null) {
            instance.sockets = sockets;
        }
    }

    private void exited(Instance instance, int exitCode) {
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
            Slot slot = instance.slot;
            if (stopping || was == State.DRAINING || slot.current != instance || slots.get(slot.index) != slot) {
                return;
            }
            scheduleRestart(slot, instance, exitCode);
        }
    }

    /** The slot's current worker exited on its own: restart it after the policy's delay, or give the slot up. */
    private synchronized void scheduleRestart(Slot slot, Instance crashed, int exitCode) {
        RestartPolicy.Decision decision = restartPolicy.onExit(slot.restarts, crashed.startedAt, System.nanoTime());
        if (decision instanceof RestartPolicy.CrashLoop loop) {
            LOG.errorf("Socket.IO cluster worker %d crashed %d times within %ds: crash loop, it is not restarted",
                    slot.index, loop.crashes(), restartPolicy.window().toSeconds());
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

    // ---------------------------------------------------------------- operator commands

    @Override
    public synchronized List<WorkerStatus> status() {
        List<WorkerStatus> rows = new ArrayList<>();
        long now = System.nanoTime();
        for (Slot slot : slots.values()) {
            Instance current = slot.current;
            State state = slot.crashLoop ? State.CRASHED : current == null ? State.STOPPED : current.state;
            long pid = current == null || current.process == null ? -1 : current.process.pid();
            long uptime = current == null || current.readyAt == 0 || state != State.READY ? 0
                    : TimeUnit.NANOSECONDS.toMillis(now - current.startedAt);
            ProcessMetrics metrics = pid > 0 && state != State.STOPPED && state != State.CRASHED ? ProcessMetrics.of(pid)
                    : ProcessMetrics.NONE;
            rows.add(new WorkerStatus(slot.index, pid, state, uptime, slot.restarts.restartCount(),
                    current == null ? 0 : current.sockets, metrics.rssKb(), metrics.cpuMillis(),
                    current == null ? generation : current.generation));
        }
        return rows;
    }

    @Override
    public synchronized List<String> logs() {
        List<String> lines = new ArrayList<>();
        for (Slot slot : slots.values()) {
            lines.addAll(slot.lastLines.lines());
        }
        return lines;
    }

    /**
     * Replaces every worker, one at a time: starts a replacement, waits until it serves, stops routing new sessions
     * to the old one, drains it. A replacement that does not become ready ends the reload; the old worker keeps
     * serving.
     */
    @Override
    public void reload(Consumer<String> progress) throws Exception {
        beginReconfiguring();
        try {
            int target;
            synchronized (this) {
                target = ++generation;
            }
            progress.accept("reloading to configuration generation " + target);
            for (int index : indexes()) {
                replace(index, progress);
            }
            progress.accept("reloaded " + indexes().size() + " workers");
        } finally {
            reconfiguring = false;
        }
    }

    @Override
    public void restart(int index, Consumer<String> progress) throws Exception {
        beginReconfiguring();
        try {
            if (slotOf(index) == null) {
                throw new IllegalArgumentException("There is no worker " + index);
            }
            replace(index, progress);
        } finally {
            reconfiguring = false;
        }
    }

    /** Changes the number of workers: new ones are started and awaited; removed ones (the highest) drain. */
    @Override
    public void scale(int count, Consumer<String> progress) throws Exception {
        if (count < 1 || count > WorkerCountConverter.MAX_WORKERS) {
            throw new IllegalArgumentException("A cluster has 1 to " + WorkerCountConverter.MAX_WORKERS
                    + " workers; use stop to stop it");
        }
        beginReconfiguring();
        try {
            List<Instance> started = new ArrayList<>();
            List<Slot> removed = new ArrayList<>();
            synchronized (this) {
                for (int index = slots.size() + 1; index <= count; index++) {
                    Slot slot = new Slot(index);
                    slot.everReady = true;
                    slots.put(index, slot);
                    slot.current = launch(slot);
                    started.add(slot.current);
                    progress.accept("worker " + index + ": starting (pid " + slot.current.pid() + ")");
                }
                while (slots.size() > count) {
                    removed.add(slots.remove(slots.size()));
                }
            }
            for (Instance instance : started) {
                awaitReady(instance);
                progress.accept("worker " + instance.slot.index + ": ready");
            }
            for (Slot slot : removed) {
                Instance current = slot.current;
                if (current != null) {
                    progress.accept("worker " + slot.index + ": draining (pid " + current.pid() + ")");
                    drain(current);
                }
                progress.accept("worker " + slot.index + ": stopped");
            }
            progress.accept("scaled to " + count + " workers");
        } finally {
            reconfiguring = false;
        }
    }

    /** Stops the cluster as SIGTERM does: the process exits once the workers drained. */
    @Override
    public void stop() {
        Thread stopper = new Thread(() -> System.exit(0), "socketio-cluster-stop");
        stopper.start();
    }

    private synchronized void beginReconfiguring() {
        if (stopping) {
            throw new IllegalStateException("The cluster is stopping");
        }
        if (reconfiguring) {
            throw new IllegalStateException("Another reload, restart or scale is in progress");
        }
        reconfiguring = true;
    }

    private synchronized List<Integer> indexes() {
        return new ArrayList<>(slots.keySet());
    }

    private void replace(int index, Consumer<String> progress) throws Exception {
        Slot slot = slotOf(index);
        if (slot == null) {
            return;
        }
        Instance old;
        Instance replacement;
        synchronized (this) {
            old = slot.current;
            replacement = launch(slot);
        }
        progress.accept("worker " + index + ": starting a replacement (pid " + replacement.pid() + ")");
        try {
            awaitReady(replacement);
        } catch (Exception e) {
            if (replacement.process != null) {
                replacement.process.destroyForcibly();
            }
            throw new IllegalStateException("worker " + index + ": the replacement did not become ready ("
                    + e.getMessage() + "); the old worker keeps serving", e);
        }
        synchronized (this) {
            slot.current = replacement;
            slot.crashLoop = false;
        }
        progress.accept("worker " + index + ": replacement ready (pid " + replacement.pid() + "), draining pid "
                + (old == null ? "-" : old.pid()));
        if (old != null && old.state != State.STOPPED) {
            drain(old);
        }
        progress.accept("worker " + index + ": replaced");
    }

    private void awaitReady(Instance instance) throws Exception {
        try {
            instance.ready.get(config.workerStartTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("not ready within " + config.workerStartTimeout().toMillis() + " ms");
        }
    }

    /**
     * No new handshake or request goes to the worker; it gets a moment to answer what it was sent, then SIGTERM (it
     * closes its clients, which reconnect elsewhere), then SIGKILL after the drain timeout.
     */
    private void drain(Instance instance) throws InterruptedException {
        synchronized (this) {
            instance.state = State.DRAINING;
            router.drainWorker(instance.node);
        }
        Process process = instance.process;
        if (process == null) {
            return;
        }
        Thread.sleep(500);
        process.destroy();
        try {
            instance.exited.get(config.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("Socket.IO cluster worker %d (pid %d) did not exit within %d ms: killing it",
                    instance.slot.index, process.pid(), config.drainTimeout().toMillis());
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    // ---------------------------------------------------------------- stopping

    private void drainAndExit() {
        stopping = true;
        LOG.info("Socket.IO cluster primary stopping: draining the workers");
        if (control != null) {
            control.close();
        }
        if (management != null) {
            management.close();
        }
        stopAll(config.drainTimeout());
        output.awaitEnd(2000);
        try {
            router.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf("Closing the router: %s", e.getMessage());
        }
        relay.close();
        timers.shutdownNow();
        LOG.info("Socket.IO cluster primary stopped");
        System.out.flush();
        System.err.flush();
        output.flush();
        // The JVM is already shutting down; Quarkus' own hook waits for the startup the primary never finished.
        Runtime.getRuntime().halt(0);
    }

    /** SIGTERM to every worker, then SIGKILL to those still alive after {@code timeout}. */
    private void stopAll(Duration timeout) {
        stopping = true;
        List<Process> processes = new ArrayList<>();
        for (Instance instance : byNode.values()) {
            if (instance.process != null && instance.process.isAlive()) {
                processes.add(instance.process);
            }
        }
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

    private static Duration longest(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public synchronized int generation() {
        return generation;
    }

    /** A worker's place: its index stays across restarts and reloads; its process (the instance) changes. */
    private static final class Slot {

        final int index;
        final RestartPolicy.History restarts = new RestartPolicy.History();
        final LastLines lastLines = new LastLines();
        Instance current;
        boolean everReady;
        boolean crashLoop;

        Slot(int index) {
            this.index = index;
        }
    }

    /** One launch of a worker process: its node number, port and process. */
    private static final class Instance {

        final Slot slot;
        final int node;
        /** the configuration generation it was launched at */
        final int generation;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final CompletableFuture<Integer> exited = new CompletableFuture<>();
        volatile Process process;
        volatile State state = State.STARTING;
        volatile int httpPort;
        volatile int sockets;
        volatile long startedAt;
        volatile long readyAt;

        Instance(Slot slot, int node, int generation) {
            this.slot = slot;
            this.node = node;
            this.generation = generation;
        }

        String pid() {
            Process p = process;
            return p == null ? "-" : Long.toString(p.pid());
        }
    }
}
