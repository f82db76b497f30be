package io.quarkiverse.socketio.runtime.cluster;

import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;

import io.quarkus.vertx.http.HttpServerStart;

/** Tells the primary that this worker serves, once its HTTP server listens. */
@Singleton
public class WorkerReadiness {

    private final ClusterMembership membership;

    WorkerReadiness(ClusterMembership membership) {
        this.membership = membership;
    }

    void httpStarted(@ObservesAsync HttpServerStart event) {
        membership.httpReady();
    }
}
