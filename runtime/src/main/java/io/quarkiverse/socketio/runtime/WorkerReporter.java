package io.quarkiverse.socketio.runtime;

import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;

import io.quarkiverse.socketio.runtime.cluster.worker.HandoffReceiver;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Vertx;

/**
 * What a worker tells its primary: that it serves, once its HTTP server listens (and it takes handed-over
 * connections, see {@link HandoffReceiver}), then every second how many sockets it serves (the primary's status shows
 * it). Nothing in a process that is not a worker.
 */
@Singleton
public class WorkerReporter {

    static final long STATS_PERIOD_MS = 1000;

    private final ClusterMembership membership;
    private final SocketIOServers server;
    private final Vertx vertx;
    private boolean started;

    WorkerReporter(ClusterMembership membership, SocketIOServers server, Vertx vertx) {
        this.membership = membership;
        this.server = server;
        this.vertx = vertx;
    }

    synchronized void httpStarted(@ObservesAsync HttpServerStart event) {
        if (!membership.isWorker() || started) {
            return;
        }
        started = true;
        // ready to take handed-over connections before the primary routes any here
        server.handoff().start(event.options().getPort()).onComplete(ar -> {
            membership.httpReady();
            membership.reportSockets(server.localSocketCount());
            vertx.setPeriodic(STATS_PERIOD_MS, id -> membership.reportSockets(server.localSocketCount()));
        });
    }
}
