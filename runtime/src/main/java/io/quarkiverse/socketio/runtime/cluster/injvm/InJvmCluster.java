package io.quarkiverse.socketio.runtime.cluster.injvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.runtime.adapter.AdapterFactory;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterAdapterFactory;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterLink;
import io.quarkiverse.socketio.runtime.cluster.ClusterOperations;
import io.quarkiverse.socketio.runtime.cluster.RelayTraffic;
import io.quarkiverse.socketio.runtime.cluster.WorkerStatus;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterFrame;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.recovery.RecoveryOptions;
import io.quarkiverse.socketio.runtime.server.NamespaceDefinitions;
import io.quarkiverse.socketio.runtime.server.ServerObserver;
import io.quarkiverse.socketio.runtime.server.SocketIOServerImpl;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import io.vertx.ext.web.RoutingContext;

/**
 * The cluster of dev and test mode: N workers inside this JVM, each an isolated Socket.IO server (its own namespaces,
 * rooms, sockets and cluster adapters) whose sessions run on an event loop of its own, joined by an
 * {@link InJvmRelay} that carries the same frames, through the same codec, as the primary's relay. One route serves
 * them all and, like the primary's sticky router, sends each request to the worker that owns its sid, and each
 * handshake to the worker with the fewest sessions.
 */
public final class InJvmCluster implements ClusterOperations {

    private static final Logger LOG = Logger.getLogger(InJvmCluster.class);

    /** One worker: its server and its place in the relay. */
    public static final class Worker {
        private final int index;
        private final int restarts;
        /** the reload generation it was started in */
        private final int generation;
        private final long startedAt = System.currentTimeMillis();
        private final ClusterLink link;
        private final SocketIOServerImpl server;

        Worker(int index, int restarts, int generation, ClusterLink link, SocketIOServerImpl server) {
            this.index = index;
            this.restarts = restarts;
            this.generation = generation;
            this.link = link;
            this.server = server;
        }

        /** 1 to the number of workers. */
        public int index() {
            return index;
        }

        /** Its node number in the relay; a restarted worker gets a new one, as a new process would. */
        public int node() {
            return link.self();
        }

        /** How many times this worker was restarted. */
        public int restarts() {
            return restarts;
        }

        /** When this worker (this incarnation of it) started, in epoch milliseconds. */
        public long startedAt() {
            return startedAt;
        }

        public SocketIOServerImpl server() {
            return server;
        }
    }

    private final Vertx vertx;
    private final ObjectMapper mapper;
    private final SocketIOConfig config;
    private final InJvmRelay relay;
    /** the adapters of each worker when they are not the cluster adapter, or null */
    private final Function<Context, AdapterFactory> otherAdapters;
    private final boolean recovery;
    /** the timer that sweeps the relay's recovery store, or -1 */
    private final long recoverySweep;
    private final NamespaceDefinitions definitions = new NamespaceDefinitions();
    /** in index order; replaced as a whole on every change, so that the router reads a consistent list */
    private volatile List<Worker> workers;
    private final WorkerScopedServer bean;
    private final Handler<RoutingContext> route = this::route;
    /** 1 at start, one more for each reload, as the primary counts its configuration generations */
    private int generation = 1;
    private volatile ServerObserver.Factory observers = (index, server) -> ServerObserver.NONE;

    /**
     * @param otherAdapters the adapters of each worker, given the context they run on, when they are not the cluster
     *        adapter over the in-JVM relay (a Redis adapter: each worker is then a server of the Redis cluster, as each
     *        worker process is); {@code null} for the cluster adapter
     */
    public InJvmCluster(Vertx vertx, ObjectMapper mapper, SocketIOConfig config, int workerCount,
            Function<Context, AdapterFactory> otherAdapters) {
        if (workerCount < 1) {
            throw new IllegalArgumentException("An in-JVM cluster needs at least one worker: " + workerCount);
        }
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.config = Objects.requireNonNull(config, "config");
        this.otherAdapters = otherAdapters;
        RecoveryOptions recoveryOptions = RecoveryOptions.from(config);
        this.recovery = recoveryOptions != null;
        this.relay = new InJvmRelay(ClusterFrame.DEFAULT_MAX_FRAME_SIZE, recoveryOptions);
        this.recoverySweep = recovery ? vertx.setPeriodic(recoveryOptions.sweepPeriodMillis(), t -> relay.sweepRecovery())
                : -1;
        List<Worker> launched = new ArrayList<>(workerCount);
        for (int i = 0; i < workerCount; i++) {
            launched.add(launch(i + 1, 0));
        }
        this.workers = List.copyOf(launched);
        this.bean = new WorkerScopedServer(() -> workers.get(0).server);
    }

    private Worker launch(int index, int restarts) {
        ClusterLink link = relay.join();
        Context loop = ((VertxInternal) vertx).createEventLoopContext();
        Context adapterContext = VertxContext.createNewDuplicatedContext(loop);
        AdapterFactory adapters = otherAdapters != null ? otherAdapters.apply(adapterContext)
                : new ClusterAdapterFactory(vertx, link, mapper, config.cluster().requestsTimeout(), recovery,
                        adapterContext);
        SocketIOServerImpl server = new SocketIOServerImpl(vertx, mapper, config, adapters, definitions, loop);
        // server-side events and cluster requests run on the adapter's context: they are this worker's code too
        server.claim(adapterContext);
        server.observe(observers.create(index, server));
        return new Worker(index, restarts, generation, link, server);
    }

    /** The application's {@link SocketIOServer} bean: it acts as the server of the worker whose code runs. */
    public SocketIOServer bean() {
        return bean;
    }

    /** The handler of the Engine.IO route: each request goes to the worker that owns its session. */
    public Handler<RoutingContext> engineHandler() {
        return route;
    }

    /** The workers, in index order. */
    public List<Worker> workers() {
        return workers;
    }

    /** The worker with this index (1 to the number of workers), empty when there is none (after a scale down). */
    public Optional<Worker> worker(int index) {
        List<Worker> current = workers;
        return index >= 1 && index <= current.size() ? Optional.of(current.get(index - 1)) : Optional.empty();
    }

    /**
     * The relay's frame deliveries and their bytes since the cluster started, counted as the primary's relay counts
     * them (a frame to all once per receiver).
     */
    public RelayTraffic relayTraffic() {
        return new RelayTraffic(relay.forwardedFrames(), relay.forwardedBytes());
    }

    /** Tells each worker's observer (by worker index) what happens on it, restarted workers included. */
    public void observe(ServerObserver.Factory observers) {
        this.observers = observers;
        for (Worker worker : workers) {
            worker.server.observe(observers.create(worker.index, worker.server));
        }
    }

    private void route(RoutingContext ctx) {
        String sid = ctx.request().getParam("sid");
        Worker target = sid == null ? fewestSessions() : owner(sid);
        // an unknown sid goes to any worker, which answers it as Engine.IO says (400, code 1)
        (target != null ? target : workers.get(0)).server.engineHandler().handle(ctx);
    }

    private Worker owner(String sid) {
        for (Worker worker : workers) {
            if (worker.server.hasSession(sid)) {
                return worker;
            }
        }
        return null;
    }

    private Worker fewestSessions() {
        List<Worker> current = workers;
        Worker best = current.get(0);
        for (Worker worker : current) {
            if (worker.server.sessionCount() < best.server.sessionCount()) {
                best = worker;
            }
        }
        return best;
    }

    /**
     * Restarts a worker as if its process had died and been started again: it leaves the relay at once (the others
     * are told), its clients lose their connection (and reconnect, to whichever worker the router picks), and a fresh
     * server with a new node number takes its index.
     */
    public synchronized Worker restart(int index) {
        if (index < 1 || index > workers.size()) {
            throw new IllegalArgumentException("No worker " + index + ": the workers are 1 to " + workers.size());
        }
        Worker old = workers.get(index - 1);
        relay.kill(old.node());
        Worker fresh = launch(index, old.restarts + 1);
        List<Worker> next = new ArrayList<>(workers);
        next.set(index - 1, fresh);
        workers = List.copyOf(next);
        old.server.abort();
        LOG.infof("Socket.IO dev cluster: worker %d restarted (node %d, was node %d)", index, fresh.node(),
                old.node());
        return fresh;
    }

    /**
     * Replaces every worker, one after the other, as a rolling reload of worker processes does: each new worker serves
     * before the one it replaces goes (in-JVM, a new worker serves at once), whose clients reconnect to the others.
     */
    public synchronized List<Worker> reload() {
        generation++;
        for (int index = 1; index <= workers.size(); index++) {
            restart(index);
        }
        return workers;
    }

    /**
     * Scales to {@code count} workers: new ones join with the next indexes; on the way down the workers with the
     * highest indexes go, as if their processes stopped, and their clients reconnect to the others.
     */
    public synchronized List<Worker> scale(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("A dev cluster needs at least one worker; to run one server, set "
                    + "quarkus.socketio.cluster.workers=0");
        }
        List<Worker> next = new ArrayList<>(workers);
        while (next.size() < count) {
            next.add(launch(next.size() + 1, 0));
        }
        List<Worker> gone = new ArrayList<>();
        while (next.size() > count) {
            gone.add(next.remove(next.size() - 1));
        }
        workers = List.copyOf(next);
        for (Worker worker : gone) {
            relay.kill(worker.node());
            worker.server.abort();
        }
        LOG.infof("Socket.IO dev cluster: %d workers", count);
        return workers;
    }

    // ------------------------------------------------------------------ ClusterOperations, for the Dev UI

    @Override
    public synchronized List<WorkerStatus> status() {
        long now = System.currentTimeMillis();
        long pid = ProcessHandle.current().pid();
        List<WorkerStatus> rows = new ArrayList<>();
        for (Worker worker : workers) {
            // in-JVM workers share one process: its memory and CPU are not theirs to report
            rows.add(new WorkerStatus(worker.index, pid, WorkerStatus.State.READY, now - worker.startedAt,
                    worker.restarts, worker.server.localSocketCount(), 0, 0, worker.generation));
        }
        return rows;
    }

    @Override
    public synchronized int generation() {
        return generation;
    }

    /** None kept: the in-JVM workers write to the application's own log. */
    @Override
    public List<String> logs() {
        return List.of();
    }

    @Override
    public void reload(Consumer<String> progress) {
        List<Worker> reloaded = reload();
        reloaded.forEach(w -> progress.accept("worker " + w.index + ": replaced (node " + w.node() + ")"));
        progress.accept("reloaded " + reloaded.size() + " workers");
    }

    @Override
    public void restart(int worker, Consumer<String> progress) {
        progress.accept("worker " + worker + ": restarted as node " + restart(worker).node());
    }

    @Override
    public void scale(int count, Consumer<String> progress) {
        progress.accept("the dev cluster has " + scale(count).size() + " workers");
    }

    /** Refused: the in-JVM cluster stops with its application. */
    @Override
    public void stop() {
        throw new IllegalStateException("The in-JVM cluster of dev and test mode stops with the application");
    }

    /**
     * Stops every worker as a stopping worker process would: their connections close at once and the clients
     * reconnect (in dev mode, to the workers of the reloaded application).
     */
    public synchronized void shutdown() {
        if (recoverySweep != -1) {
            vertx.cancelTimer(recoverySweep);
        }
        for (Worker worker : workers) {
            worker.server.abort();
            relay.kill(worker.node());
        }
    }
}
