package io.quarkiverse.socketio.runtime.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.runtime.adapter.ClusterAdapterFactory;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.server.CurrentWorkerServer;
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
public final class InJvmCluster {

    private static final Logger LOG = Logger.getLogger(InJvmCluster.class);

    /** One worker: its server and its place in the relay. */
    public static final class Worker {
        private final int index;
        private final int restarts;
        private final long startedAt = System.currentTimeMillis();
        private final ClusterLink link;
        private final SocketIOServerImpl server;

        Worker(int index, int restarts, ClusterLink link, SocketIOServerImpl server) {
            this.index = index;
            this.restarts = restarts;
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
    private final InJvmRelay relay = new InJvmRelay();
    private final NamespaceDefinitions definitions = new NamespaceDefinitions();
    private final AtomicReferenceArray<Worker> workers;
    private final CurrentWorkerServer bean;
    private final Handler<RoutingContext> route = this::route;
    private volatile IntFunction<ServerObserver> observers = index -> ServerObserver.NONE;

    public InJvmCluster(Vertx vertx, ObjectMapper mapper, SocketIOConfig config, int workerCount) {
        if (workerCount < 1) {
            throw new IllegalArgumentException("An in-JVM cluster needs at least one worker: " + workerCount);
        }
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.config = Objects.requireNonNull(config, "config");
        this.workers = new AtomicReferenceArray<>(workerCount);
        for (int i = 0; i < workerCount; i++) {
            workers.set(i, launch(i + 1, 0));
        }
        this.bean = new CurrentWorkerServer(() -> workers.get(0).server);
    }

    private Worker launch(int index, int restarts) {
        ClusterLink link = relay.join();
        Context loop = ((VertxInternal) vertx).createEventLoopContext();
        Context adapterContext = VertxContext.createNewDuplicatedContext(loop);
        ClusterAdapterFactory adapters = new ClusterAdapterFactory(vertx, link, mapper,
                config.cluster().requestsTimeout(), adapterContext);
        SocketIOServerImpl server = new SocketIOServerImpl(vertx, mapper, config, adapters, definitions, loop);
        // server-side events and cluster requests run on the adapter's context: they are this worker's code too
        server.claim(adapterContext);
        server.observe(observers.apply(index));
        return new Worker(index, restarts, link, server);
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
        List<Worker> list = new ArrayList<>(workers.length());
        for (int i = 0; i < workers.length(); i++) {
            list.add(workers.get(i));
        }
        return list;
    }

    /** Tells each worker's observer (by worker index) what happens on it, restarted workers included. */
    public void observe(IntFunction<ServerObserver> observers) {
        this.observers = observers;
        for (int i = 0; i < workers.length(); i++) {
            workers.get(i).server.observe(observers.apply(i + 1));
        }
    }

    /** The number of relay deliveries so far (a message to all counts once per receiving worker). */
    public long relayedFrames() {
        return relay.forwardedFrames();
    }

    private void route(RoutingContext ctx) {
        String sid = ctx.request().getParam("sid");
        Worker target = sid == null ? fewestSessions() : owner(sid);
        // an unknown sid goes to any worker, which answers it as Engine.IO says (400, code 1)
        (target != null ? target : workers.get(0)).server.engineHandler().handle(ctx);
    }

    private Worker owner(String sid) {
        for (int i = 0; i < workers.length(); i++) {
            Worker worker = workers.get(i);
            if (worker.server.hasSession(sid)) {
                return worker;
            }
        }
        return null;
    }

    private Worker fewestSessions() {
        Worker best = workers.get(0);
        for (int i = 1; i < workers.length(); i++) {
            Worker worker = workers.get(i);
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
        if (index < 1 || index > workers.length()) {
            throw new IllegalArgumentException("No worker " + index + ": the workers are 1 to " + workers.length());
        }
        Worker old = workers.get(index - 1);
        relay.kill(old.node());
        Worker fresh = launch(index, old.restarts + 1);
        workers.set(index - 1, fresh);
        old.server.abort();
        LOG.infof("Socket.IO dev cluster: worker %d restarted (node %d, was node %d)", index, fresh.node(),
                old.node());
        return fresh;
    }

    /**
     * Stops every worker as a stopping worker process would: their connections close at once and the clients
     * reconnect (in dev mode, to the workers of the reloaded application).
     */
    public synchronized void stop() {
        for (int i = 0; i < workers.length(); i++) {
            Worker worker = workers.get(i);
            worker.server.abort();
            relay.kill(worker.node());
        }
    }
}
