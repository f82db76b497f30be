package io.quarkiverse.socketio.runtime.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;

/**
 * The primary process of a cluster: it launches the workers, routes the HTTP traffic of the public port to them
 * ({@link StickyRouter}), relays their cluster messages ({@link ClusterRelay}) and supervises them. It runs none of
 * the application's code.
 * <p>
 * Supervision: a worker that exits is restarted after {@code restart-delay}, doubled for each consecutive crash
 * (an exit before the worker ran for the crash-loop window), up to {@code restart-max-delay}. A worker restarted
 * {@code crash-loop.max-restarts} times within the window is not restarted again. On SIGTERM (or Ctrl+C) the primary
 * drains: it sends SIGTERM to every worker, keeps routing while they close their clients, waits up to
 * {@code drain-timeout} for them to exit (then kills the rest), and exits with status 0.
 */
public final class ClusterPrimary implements ClusterRelay.Events {

    private static final Logger LOG = Logger.getLogger(ClusterPrimary.class);

    private final Vertx vertx;
    private final SocketIOConfig.Cluster config;
    private final RouterOptions routerOptions;
    private final String host;
    private final int port;
    private final List<String> command;
    private final Worker[] workers;
    private final Map<Integer, Worker> byNode = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers;
    private final CountDownLatch firstStart;
    private ClusterRelay relay;
    private StickyRouter router;
    private int nextNode = 1;
    private volatile boolean stopping;

    /**
     * @param workerCount how many workers to run
     * @param host the public host to listen on
     * @param port the public port
     */
    public ClusterPrimary(Vertx vertx, SocketIOConfig config, int workerCount, String host, int port) {
        this.vertx = vertx;
        this.config = config.cluster();
        this.host = host;
        this.port = port;
        this.command = WorkerCommand.current();
        this.routerOptions = new RouterOptions()
                .path(config.path())
                .strategy(RouterOptions.Strategy.parse(config.cluster().routing()))
                .maxWebSocketFrameSize(Math.max(16 * 1024 * 1024, config.maxHttpBufferSize() + 64 * 1024))
                .sessionIdleTimeout(longest(Duration.ofSeconds(10),
                        config.pingInterval().plus(config.pingTimeout()).multipliedBy(2)));
        this.workers = new Worker[workerCount];
        for (int i = 0; i < workerCount; i++) {
            workers[i] = new Worker(i + 1);
        }
        this.firstStart = new CountDownLatch(workerCount);
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "socketio-cluster-supervisor");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The number of workers {@code quarkus.socketio.cluster.workers} asks for: 0, a number, or {@code max}. */
    public static int workerCount(String setting) {
        String value = setting.trim();
        if (value.equalsIgnoreCase("max")) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int count = Integer.parseInt(value);
            if (count < 0 || count > 1024) {
                throw new NumberFormatException();
            }
            return count;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("quarkus.socketio.cluster.workers must be 0, a number of workers up to "
                    + "1024, or max; it is '" + setting + "'");
        }
    }

    /**
     * Starts the cluster and serves until the process is told to stop, then exits the process. Returns only by
     * throwing, when the cluster cannot start.
     */
    public void run() throws Exception {
        relay = ClusterRelay.open(this);
        LOG.infof("Socket.IO cluster IPC channel: %s", relay.socketPath());
        router = new StickyRouter(vertx, routerOptions);
        Thread drain = new Thread(this::drainAndExit, "socketio-cluster-drain");
        Runtime.getRuntime().addShutdownHook(drain);
        synchronized (this) {
            for (Worker worker : workers) {
                launch(worker);
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
        } catch (Exception e) {
            abort(drain);
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("The Socket.IO cluster primary cannot listen on " + host + ":" + port + ": "
                    + cause.getMessage(), cause);
        }
        LOG.infof("Socket.IO cluster primary listening on http://%s:%d with %d workers", host, port, workers.length);
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
        shutdownWorkers(Duration.ofSeconds(5));
        router.close();
        relay.close();
        timers.shutdownNow();
    }

    private int readyCount() {
        int ready = 0;
        for (Worker worker : workers) {
            if (worker.ready) {
                ready++;
            }
        }
        return ready;
    }

    // ---------------------------------------------------------------- supervision

    private synchronized void launch(Worker worker) {
        if (stopping) {
            return;
        }
        int node = nextNode++;
        int httpPort;
        try {
            httpPort = freeLoopbackPort();
        } catch (IOException e) {
            LOG.errorf("Socket.IO cluster worker %d cannot get a port: %s", worker.index, e.getMessage());
            scheduleRestart(worker, -1, "-");
            return;
        }
        WorkerEnvironment environment = new WorkerEnvironment(worker.index, node, relay.socketPath().toString(),
                relay.secret(), httpPort);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        environment.export(builder.environment());
        relay.expect(node);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            relay.forget(node);
            LOG.errorf("Socket.IO cluster worker %d cannot be launched: %s", worker.index, e.getMessage());
            scheduleRestart(worker, -1, "-");
            return;
        }
        worker.process = process;
        worker.node = node;
        worker.httpPort = httpPort;
        worker.ready = false;
        worker.startedAt = System.nanoTime();
        byNode.put(node, worker);
        process.onExit().thenAccept(p -> exited(worker, p, node));
        timers.schedule(() -> {
            if (worker.process == process && !worker.ready && process.isAlive() && !stopping) {
                LOG.errorf("Socket.IO cluster worker %d (pid %d) is not ready after %d ms: killing it", worker.index,
                        process.pid(), config.workerStartTimeout().toMillis());
                process.destroyForcibly();
            }
        }, config.workerStartTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onReady(int node) {
        Worker worker = byNode.get(node);
        if (worker == null || worker.node != node || stopping) {
            return;
        }
        synchronized (this) {
            router.addWorker(worker.index, SocketAddress.inetSocketAddress(worker.httpPort, "127.0.0.1"));
            boolean first = !worker.everReady;
            worker.ready = true;
            worker.everReady = true;
            LOG.infof("Socket.IO cluster worker %d ready (pid %d)", worker.index, worker.process.pid());
            if (first) {
                firstStart.countDown();
            }
        }
    }

    @Override
    public void onLinkClosed(int node) {
        Worker worker = byNode.get(node);
        if (worker != null && worker.node == node && !stopping) {
            // No cluster messages reach it any more: stop routing to it; it exits on its own (its link is gone).
            synchronized (this) {
                router.removeWorker(worker.index);
                worker.ready = false;
            }
        }
    }

    private void exited(Worker worker, Process process, int node) {
        byNode.remove(node);
        relay.forget(node);
        if (stopping) {
            return;
        }
        synchronized (this) {
            if (worker.process != process) {
                return;
            }
            router.removeWorker(worker.index);
            worker.ready = false;
            worker.process = null;
            scheduleRestart(worker, process.exitValue(), Long.toString(process.pid()));
        }
    }

    private synchronized void scheduleRestart(Worker worker, int exitCode, String pid) {
        long now = System.nanoTime();
        Duration window = config.crashLoop().window();
        while (!worker.restarts.isEmpty() && now - worker.restarts.peekFirst() > window.toNanos()) {
            worker.restarts.removeFirst();
        }
        if (worker.restarts.size() >= config.crashLoop().maxRestarts()) {
            LOG.errorf("Socket.IO cluster worker %d crashed %d times within %ds: crash loop, it is not restarted",
                    worker.index, worker.restarts.size() + 1, window.toSeconds());
            if (!worker.everReady) {
                firstStart.countDown();
            }
            return;
        }
        boolean ranLong = worker.startedAt != 0 && now - worker.startedAt >= window.toNanos();
        worker.consecutiveCrashes = ranLong ? 0 : worker.consecutiveCrashes + 1;
        long delay = config.restartDelay().toMillis();
        for (int i = 1; i < worker.consecutiveCrashes && delay < config.restartMaxDelay().toMillis(); i++) {
            delay *= 2;
        }
        delay = Math.min(delay, config.restartMaxDelay().toMillis());
        worker.restarts.addLast(now);
        LOG.warnf("Socket.IO cluster worker %d (pid %s) exited with code %d; restarting it in %d ms", worker.index, pid,
                exitCode, delay);
        timers.schedule(() -> launch(worker), delay, TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- stopping

    private void drainAndExit() {
        stopping = true;
        LOG.info("Socket.IO cluster primary stopping: draining the workers");
        shutdownWorkers(config.drainTimeout());
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
        // The JVM is already shutting down; Quarkus' own hook waits for the startup the primary never finished.
        Runtime.getRuntime().halt(0);
    }

    /** SIGTERM to every worker, then SIGKILL to those still alive after {@code timeout}. */
    private void shutdownWorkers(Duration timeout) {
        stopping = true;
        List<CompletableFuture<Process>> exits = new ArrayList<>();
        for (Worker worker : workers) {
            Process process = worker.process;
            if (process != null && process.isAlive()) {
                process.destroy();
                exits.add(process.onExit());
            }
        }
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            for (Worker worker : workers) {
                Process process = worker.process;
                if (process != null && process.isAlive()) {
                    LOG.warnf("Socket.IO cluster worker %d (pid %d) did not exit within %d ms: killing it",
                            worker.index, process.pid(), timeout.toMillis());
                    process.destroyForcibly();
                }
            }
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }

    private static Duration longest(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** One worker slot: its index stays, its process, node and port change with each launch. */
    private static final class Worker {

        final int index;
        final Deque<Long> restarts = new ArrayDeque<>();
        volatile Process process;
        volatile int node;
        volatile int httpPort;
        volatile boolean ready;
        boolean everReady;
        long startedAt;
        int consecutiveCrashes;

        Worker(int index) {
            this.index = index;
        }
    }
}
