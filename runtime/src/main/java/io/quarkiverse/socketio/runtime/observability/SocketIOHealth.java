package io.quarkiverse.socketio.runtime.observability;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.quarkiverse.socketio.runtime.ClusterMembership;
import io.quarkiverse.socketio.runtime.SocketIOServers;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterLink;

/** What the Socket.IO liveness and readiness checks share: their name, the data of every answer, the worker's link. */
final class SocketIOHealth {

    /** The reason of either check when a worker lost its link. */
    static final String LINK_LOST = "the link to the cluster's primary is lost";

    private SocketIOHealth() {
    }

    /** Whether the link to the primary is up; true in a process that is not a worker. */
    static boolean linked(ClusterMembership membership) {
        return membership.link().map(ClusterLink::isOpen).orElse(true);
    }

    /** The answer "Socket.IO" with {@code up}, the sockets this process serves and its place in the cluster. */
    static HealthCheckResponseBuilder response(boolean up, SocketIOServers servers, ClusterMembership membership) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Socket.IO").status(up)
                .withData("sockets", servers.localSocketCount())
                .withData("worker", membership.workerIndex());
        servers.inJvmCluster().ifPresent(inJvm -> response.withData("in-jvm-workers", inJvm.workers().size()));
        return response;
    }
}
