package io.quarkiverse.socketio.runtime.observability;

import java.util.Optional;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.quarkiverse.socketio.runtime.ClusterMembership;
import io.quarkiverse.socketio.runtime.SocketIOServers;
import io.quarkiverse.socketio.runtime.cluster.wire.ControlMessage;

/**
 * The readiness of this process's Socket.IO server, when the application has SmallRye Health (registered by the
 * extension then). In a worker of a cluster it is the cluster's: down until every desired worker serves (so also
 * during a crash loop, whose worker never does), as the primary tells each worker every second, and down once the
 * worker's link to the primary is lost (it is about to exit and be restarted). With a Redis adapter, down while Redis
 * cannot be reached (local clients are still served; what crosses to other servers does not). Up otherwise. It tells
 * the sockets this process serves and its place in the cluster.
 */
@Readiness
@Singleton
public class SocketIOReadinessCheck implements HealthCheck {

    private final SocketIOServers servers;
    private final ClusterMembership membership;

    SocketIOReadinessCheck(SocketIOServers servers, ClusterMembership membership) {
        this.servers = servers;
        this.membership = membership;
    }

    @Override
    public HealthCheckResponse call() {
        boolean linked = SocketIOHealth.linked(membership);
        Optional<ControlMessage.ClusterReadiness> cluster = membership.clusterReadiness();
        boolean clusterReady = cluster.map(ControlMessage.ClusterReadiness::complete).orElse(true);
        Optional<String> adapter = servers.adapterUnavailability();
        HealthCheckResponseBuilder response = SocketIOHealth.response(linked && clusterReady && adapter.isEmpty(),
                servers, membership);
        cluster.ifPresent(readiness -> response.withData("workers-ready", readiness.ready())
                .withData("workers-desired", readiness.desired()));
        if (!linked) {
            response.withData("reason", SocketIOHealth.LINK_LOST);
        } else if (!clusterReady) {
            response.withData("reason", "not every desired worker serves (starting, draining or in a crash loop)");
        } else if (adapter.isPresent()) {
            response.withData("reason", adapter.get());
        }
        return response.build();
    }
}
