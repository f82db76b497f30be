package io.quarkiverse.socketio.runtime.cluster.primary;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkiverse.socketio.runtime.cluster.ClusterOperations;
import io.quarkiverse.socketio.runtime.cluster.RelayTraffic;
import io.quarkiverse.socketio.runtime.cluster.WorkerStatus;
import io.quarkiverse.socketio.runtime.cluster.wire.ControlMessage;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.recovery.RecoveryOptions;
import io.quarkiverse.socketio.runtime.recovery.RecoveryStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The primary process of a cluster: it launches the workers, routes the HTTP traffic of the public port to them
 * ({@link StickyRouter}), relays their cluster messages ({@link ClusterRelay}), supervises them, and takes the
 * operator's commands ({@link ClusterControl}, {@link ClusterManagement}). It runs none of the application's code.
 * <p>
 * This class wires the parts and orders their start and stop ({@link #run()}, the shutdown hook):
 * <ul>
 * <li>{@link WorkerLauncher} starts a worker process, and {@link WorkerOutput} prints its lines prefixed with
 * {@code [worker N]}, each slot keeping its last ones for the {@code logs} command ({@link LastLines});</li>
 * <li>{@link WorkerSupervisor} keeps the desired worker slots and reconciles toward them: a worker that exits is
 * restarted as the {@link RestartPolicy} says (after {@code restart-delay}, doubled for each consecutive crash, up to
 * {@code restart-max-delay}; a slot restarted {@code crash-loop.max-restarts} times within the window is given up);</li>
 * <li>{@link Reconfigurations} carries out the operator's reload, restart and scale, one at a time;</li>
 * <li>{@link Draining} stops workers: no new handshake or request is routed to them, they get SIGTERM and close their
 * clients (which reconnect to the others), and those still running after {@code drain-timeout} are killed;</li>
 * <li>{@link ProcessMetrics} reads a worker's memory and CPU for the status.</li>
 * </ul>
 * On SIGTERM (or Ctrl+C, or the {@code stop} command) the primary drains every worker and exits with status 0.
 * <p>
 * Threads: {@link #run()} runs on the thread that started the application and never returns while the cluster serves.
 * The parts built there are published through volatile fields before any worker is launched, so the relay's threads
 * (which report the workers' events here) and the operator's threads see them. The one scheduler thread
 * {@code socketio-cluster-supervisor} runs the supervisor's timers and tells the workers the cluster's readiness and
 * counts every second.
 */
public final class ClusterPrimary implements ClusterRelay.Events, ClusterOperations {

    private static final Logger LOG = Logger.getLogger(ClusterPrimary.class);

    private final Vertx vertx;
    private final SocketIOConfig.Cluster config;
    private final RouterOptions routerOptions;
    private final PublicListeners listeners;
    private final String host;
    private final int port;
    private final int workerCount;
    private final List<String> command;
    /** connection state recovery, kept by the relay for every worker; null when off */
    private final RecoveryOptions recovery;
    private final ScheduledExecutorService timers;
    private final WorkerOutput output = new WorkerOutput();
    private volatile ClusterRelay relay;
    private volatile StickyRouter router;
    private volatile WorkerSupervisor supervisor;
    private volatile Draining draining;
    private volatile Reconfigurations reconfigurations;
    private volatile ClusterControl control;
    private volatile HttpServer management;

    /**
     * @param workerCount how many workers to run
     * @param listeners where the public traffic comes: plain HTTP, HTTPS
     */
    public ClusterPrimary(Vertx vertx, SocketIOConfig config, int workerCount, PublicListeners listeners) {
        this.vertx = vertx;
        this.config = config.cluster();
        this.recovery = RecoveryOptions.from(config);
        this.listeners = listeners;
        this.host = listeners.host();
        this.port = listeners.port();
        this.workerCount = workerCount;
        this.command = WorkerCommand.current();
        this.routerOptions = new RouterOptions()
                .path(config.path())
                .strategy(config.cluster().routing())
                .sessionIdleTimeout(longest(Duration.ofSeconds(10),
                        config.pingInterval().plus(config.pingTimeout()).multipliedBy(2)));
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
        router = new StickyRouter(vertx, routerOptions);
        WorkerLauncher launcher = new WorkerLauncher(command, relay, output);
        supervisor = new WorkerSupervisor(vertx, config, workerCount, launcher, relay, router, timers);
        draining = new Draining(supervisor, config.drainTimeout());
        reconfigurations = new Reconfigurations(supervisor, draining::drain, config.workerStartTimeout());
        // the workers' health checks report the cluster's readiness, and their meters what only the primary counts:
        // tell them every second
        timers.scheduleAtFixedRate(() -> {
            relay.tellWorkers(readiness());
            relay.tellWorkers(clusterStats());
        }, 1, 1, TimeUnit.SECONDS);
        Thread drain = new Thread(this::drainAndExit, "socketio-cluster-drain");
        Runtime.getRuntime().addShutdownHook(drain);
        supervisor.launchAll();
        Duration startTimeout = config.workerStartTimeout();
        if (!supervisor.awaitFirstStart(startTimeout.toMillis() + 1000) && supervisor.readyCount() == 0) {
            abort(drain);
            throw new IllegalStateException("No Socket.IO cluster worker became ready within "
                    + startTimeout.toMillis() + " ms; see the workers' log above");
        }
        // each listener fails with what failed and the setting that moves it: the three are often confused
        List<String> urls = new ArrayList<>();
        HttpServerOptions tls = listeners.tls();
        int httpsPort = -1;
        if (tls != null) {
            try {
                httpsPort = await(router.listenTls(tls));
            } catch (Exception e) {
                throw cannotStart(drain, e, "listen on its public TLS address " + host + ":" + Math.max(0, tls.getPort()),
                        "another process holds it: stop that process, or change quarkus.http.ssl-port (or "
                                + "quarkus.http.host)");
            }
            urls.add("https://" + host + ":" + httpsPort);
        }
        if (listeners.plainListened()) {
            boolean redirect = tls != null && listeners.insecure() == PublicListeners.Insecure.REDIRECT;
            try {
                await(redirect ? router.listenRedirect(host, port, httpsPort) : router.listen(host, port));
            } catch (Exception e) {
                throw cannotStart(drain, e, "listen on its public address " + host + ":" + port,
                        "another process holds it: stop that process, or change quarkus.http.port (or "
                                + "quarkus.http.host)");
            }
            urls.add("http://" + host + ":" + port + (redirect ? " (redirected to https)" : ""));
        }
        Path controlDirectory = ClusterControl.directory(port);
        try {
            control = ClusterControl.listen(controlDirectory, this);
        } catch (Exception e) {
            throw cannotStart(drain, e, "open its control socket in " + controlDirectory,
                    "the operator's commands reach the primary there: make the directory this user's with "
                            + "permissions rwx------, or remove it if no primary of port " + port + " runs");
        }
        ClusterManagement.Address managementAddress = ClusterManagement.address(ConfigProvider.getConfig());
        try {
            management = ClusterManagement.listen(vertx, managementAddress, this, config.managementActions())
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw cannotStart(drain, e, "listen on the management interface " + managementAddress,
                    "another process holds it (two clusters on one host both take 9000 by default): change "
                            + "quarkus.management.port (or quarkus.management.host), or set "
                            + "quarkus.management.enabled=false");
        }
        LOG.infof("Socket.IO cluster primary listening on %s with %d workers", String.join(" and ", urls),
                workerCount);
        // The application's startup must not go on in the primary: this thread waits until the process ends.
        new CountDownLatch(1).await();
    }

    /** Stops what started, and says what could not be done, why, and what to change. */
    private IllegalStateException cannotStart(Thread drainHook, Exception e, String what, String advice) {
        abort(drainHook);
        Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause()
                : e;
        return new IllegalStateException("The Socket.IO cluster primary cannot " + what + ": " + cause.getMessage()
                + "; " + advice, cause);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Stops what started when the cluster cannot serve; the failure then ends the process with its own status. */
    private void abort(Thread drainHook) {
        try {
            Runtime.getRuntime().removeShutdownHook(drainHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook drains
            return;
        }
        draining.stopAll(Duration.ofSeconds(5));
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

    /** The shutdown hook: drains every worker, closes what the primary opened, and ends the process. */
    private void drainAndExit() {
        supervisor.markStopping();
        LOG.info("Socket.IO cluster primary stopping: draining the workers");
        if (control != null) {
            control.close();
        }
        if (management != null) {
            management.close();
        }
        draining.stopAll(config.drainTimeout());
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

    // ---------------------------------------------------------------- what the management endpoints and workers read

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
    public ControlMessage.ClusterReadiness readiness() {
        return supervisor.readiness();
    }

    /** The restarts of each worker slot and the relay's traffic, for the workers' meters. */
    public ControlMessage.ClusterStats clusterStats() {
        RelayTraffic traffic = relayTraffic();
        return new ControlMessage.ClusterStats(supervisor.restartCounts(), traffic.frames(), traffic.bytes());
    }

    // ---------------------------------------------------------------- the relay's events

    @Override
    public void onReady(int node) {
        supervisor.onReady(node);
    }

    @Override
    public void onLinkClosed(int node) {
        supervisor.onLinkClosed(node);
    }

    @Override
    public void onStats(int node, int sockets) {
        supervisor.onStats(node, sockets);
    }

    @Override
    public void onHandoffClosed(int node, ControlMessage.HandoffClosed closed) {
        supervisor.onHandoffClosed(node, closed);
    }

    // ---------------------------------------------------------------- operator commands

    @Override
    public List<WorkerStatus> status() {
        return supervisor.status();
    }

    @Override
    public int generation() {
        return supervisor.generation();
    }

    @Override
    public List<String> logs() {
        return supervisor.logs();
    }

    @Override
    public void reload(Consumer<String> progress) throws Exception {
        reconfigurations.reload(progress);
    }

    @Override
    public void restart(int index, Consumer<String> progress) throws Exception {
        reconfigurations.restart(index, progress);
    }

    @Override
    public void scale(int count, Consumer<String> progress) throws Exception {
        reconfigurations.scale(count, progress);
    }

    /** Stops the cluster as SIGTERM does: the process exits once the workers drained. */
    @Override
    public void stop() {
        Thread stopper = new Thread(() -> System.exit(0), "socketio-cluster-stop");
        stopper.start();
    }

    private static Duration longest(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
