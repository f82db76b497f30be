package io.quarkiverse.socketio.runtime.observability;

import java.util.List;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import io.quarkiverse.socketio.runtime.ClusterMembership;
import io.quarkiverse.socketio.runtime.SocketIOServers;
import io.quarkiverse.socketio.runtime.server.SocketIOServerImpl;

/**
 * The liveness of this process's Socket.IO server, when the application has SmallRye Health (registered by the
 * extension then): up while its Engine.IO endpoint serves (in dev and test mode, that of every in-JVM worker) and, in
 * a worker of a cluster, its link to the primary is up. Down once the server stopped (the application is shutting
 * down) or the link is lost (the worker cannot reach the other workers and is about to exit and be restarted). Unlike
 * readiness, it does not depend on the other workers: one worker in a crash loop makes no other worker look dead.
 */
@Liveness
@Singleton
public class SocketIOLivenessCheck implements HealthCheck {

    private final SocketIOServers servers;
    private final ClusterMembership membership;

    SocketIOLivenessCheck(SocketIOServers servers, ClusterMembership membership) {
        this.servers = servers;
        this.membership = membership;
    }

    @Override
    public HealthCheckResponse call() {
        List<SocketIOServerImpl> all = servers.servers();
        long stopped = all.stream().filter(server -> !server.serves()).count();
        boolean linked = SocketIOHealth.linked(membership);
        HealthCheckResponseBuilder response = SocketIOHealth.response(stopped == 0 && linked, servers, membership);
        if (stopped > 0) {
            response.withData("reason", all.size() == 1 ? "the Engine.IO server stopped"
                    : "the Engine.IO server of " + stopped + " of " + all.size() + " in-JVM workers stopped");
        } else if (!linked) {
            response.withData("reason", SocketIOHealth.LINK_LOST);
        }
        return response.build();
    }
}
