package io.quarkiverse.socketio.runtime.observability;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.quarkiverse.socketio.runtime.cluster.ClusterLink;
import io.quarkiverse.socketio.runtime.cluster.ClusterMembership;
import io.quarkiverse.socketio.runtime.cluster.LocalServers;

/**
 * The readiness of this process's Socket.IO server, when the application has SmallRye Health (registered by the
 * extension then): in a worker of a cluster, down once its link to the primary is lost (the worker is about to exit
 * and be restarted); up otherwise. It tells the sockets it serves and its place in the cluster. The readiness of the
 * cluster as a whole (every desired worker ready, no crash loop) is the primary's {@code /q/health/ready}.
 */
@Readiness
@Singleton
public class SocketIOReadinessCheck implements HealthCheck {

    private final LocalServers servers;
    private final ClusterMembership membership;

    SocketIOReadinessCheck(LocalServers servers, ClusterMembership membership) {
        this.servers = servers;
        this.membership = membership;
    }

    @Override
    public HealthCheckResponse call() {
        boolean linked = membership.link().map(ClusterLink::isOpen).orElse(true);
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Socket.IO").status(linked)
                .withData("sockets", servers.localSocketCount())
                .withData("worker", membership.workerIndex());
        servers.inJvmCluster().ifPresent(cluster -> response.withData("in-jvm-workers", cluster.workers().size()));
        if (!linked) {
            response.withData("reason", "the link to the cluster's primary is lost");
        }
        return response.build();
    }
}
