package io.quarkiverse.socketio.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.runtime.adapter.AdapterFactory;
import io.quarkiverse.socketio.runtime.adapter.redis.RedisAdapters;
import io.quarkiverse.socketio.runtime.cluster.injvm.InJvmCluster;
import io.quarkiverse.socketio.runtime.cluster.worker.HandoffReceiver;
import io.quarkiverse.socketio.runtime.config.SocketIOBuildConfig;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.server.ServerObserver;
import io.quarkiverse.socketio.runtime.server.SocketIOServerImpl;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * The Socket.IO servers this JVM runs: one (a process on its own, or a worker process of a cluster), or one per
 * worker of the in-JVM cluster of dev and test mode. Produces the application's {@link SocketIOServer} bean and the
 * handler of the Engine.IO route, and stops the servers when the application stops.
 */
@Singleton
public class SocketIOServers {

    private static final Logger LOG = Logger.getLogger(SocketIOServers.class);

    private final ClusterMembership membership;
    /** The one server, or null in an in-JVM cluster. */
    private final SocketIOServerImpl single;
    /** The in-JVM cluster, or null. */
    private final InJvmCluster cluster;
    private final HandoffReceiver handoff;
    /** guarded by this */
    private final List<ServerObserver.Factory> observerFactories = new ArrayList<>();

    @Inject
    SocketIOServers(Vertx vertx, ObjectMapper mapper, SocketIOConfig config, SocketIOBuildConfig build,
            ClusterMembership membership) {
        this.membership = membership;
        this.handoff = new HandoffReceiver(vertx, membership.workerLink().orElse(null), config);
        // with a Redis adapter every server of this process is a server of the Redis cluster, workers included
        Function<Context, AdapterFactory> redis = config.adapter().isRedis()
                ? redisAdapters(vertx, config, build)
                : null;
        if (membership.inJvmWorkers() > 0) {
            single = null;
            cluster = new InJvmCluster(vertx, mapper, config, membership.inJvmWorkers(), redis);
            LOG.infof("Socket.IO dev cluster: %d in-JVM workers joined by %s (quarkus.socketio.cluster.workers; 0 runs "
                    + "one server)", membership.inJvmWorkers(),
                    redis == null ? "an in-JVM relay" : "Redis");
        } else {
            single = new SocketIOServerImpl(vertx, mapper, config, redis != null ? redis.apply(null)
                    : membership.adapterFactory(vertx, mapper, config.cluster().requestsTimeout(),
                            config.connectionStateRecovery().enabled()));
            cluster = null;
        }
    }

    /**
     * The Redis adapters' factories. The Redis client is an optional dependency: without it, its classes are missing
     * when the adapter first needs them, and that is said plainly.
     */
    private static Function<Context, AdapterFactory> redisAdapters(Vertx vertx, SocketIOConfig config,
            SocketIOBuildConfig build) {
        try {
            return RedisAdapters.factories(vertx, config.adapter(), build.redis().clientName(), config);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("quarkus.socketio.adapter=" + config.adapter().name().toLowerCase()
                    .replace('_', '-') + " reaches Redis through the Quarkus Redis client: add the dependency "
                    + "io.quarkus:quarkus-redis-client to the application", e);
        }
    }

    /** The application's server. */
    @Produces
    @Singleton
    @Unremovable
    SocketIOServer server() {
        return cluster != null ? cluster.bean() : single;
    }

    /** The handler of the Engine.IO route. */
    public Handler<RoutingContext> engineHandler() {
        return cluster != null ? cluster.engineHandler() : handoff.routeHandler(single);
    }

    /** The in-JVM cluster, when this JVM runs one. */
    public Optional<InJvmCluster> inJvmCluster() {
        return Optional.ofNullable(cluster);
    }

    /** The servers, one per worker of an in-JVM cluster. */
    public List<SocketIOServerImpl> servers() {
        return cluster != null ? cluster.workers().stream().map(InJvmCluster.Worker::server).toList()
                : List.of(single);
    }

    /**
     * The index of the worker whose code is running: in an in-JVM cluster, the worker of the session the caller runs
     * for (0 outside of any session); in a worker process, its index; 0 in a process on its own.
     */
    public int currentWorker() {
        if (cluster == null) {
            return membership.workerIndex();
        }
        SocketIOServerImpl current = SocketIOServerImpl.ofCurrentContext();
        for (InJvmCluster.Worker worker : cluster.workers()) {
            if (worker.server() == current) {
                return worker.index();
            }
        }
        return 0;
    }

    /**
     * Adds an observer to every server of this JVM, made by {@code factory} for each (and for each in-JVM worker that
     * restarts later), beside the observers added before.
     */
    public synchronized void addObserver(ServerObserver.Factory factory) {
        observerFactories.add(factory);
        List<ServerObserver.Factory> factories = List.copyOf(observerFactories);
        ServerObserver.Factory all = (worker, server) -> ServerObserver
                .all(factories.stream().map(f -> f.create(worker, server)).toList());
        if (cluster != null) {
            cluster.observe(all);
        } else {
            single.observe(all.create(membership.workerIndex(), single));
        }
    }

    /** Why an adapter of this JVM's servers cannot reach the other servers now (Redis away), empty when they can. */
    public Optional<String> adapterUnavailability() {
        for (SocketIOServerImpl server : servers()) {
            Optional<String> why = server.adapterFactory().unavailability();
            if (why.isPresent()) {
                return why;
            }
        }
        return Optional.empty();
    }

    /** The sockets connected to this JVM, over every server and namespace. */
    public int localSocketCount() {
        int count = 0;
        for (SocketIOServerImpl server : servers()) {
            count += server.localSocketCount();
        }
        return count;
    }

    /** Where a worker takes the connections its primary hands over (inactive elsewhere). */
    HandoffReceiver handoff() {
        return handoff;
    }

    void stop(@Observes ShutdownEvent event) {
        handoff.stop();
        if (cluster != null) {
            cluster.shutdown();
        } else {
            single.stop();
        }
    }
}
