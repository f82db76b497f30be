package io.quarkiverse.socketio.runtime.observability;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.adapter.ClusterAdapterFactory;
import io.quarkiverse.socketio.runtime.cluster.ClusterMembership;
import io.quarkiverse.socketio.runtime.cluster.LocalServers;
import io.quarkiverse.socketio.runtime.server.SocketIOServerImpl;

/**
 * The Socket.IO meters of this process, when the application has Micrometer (registered by the extension then):
 * <ul>
 * <li>{@code socketio.sockets} and {@code socketio.rooms} (gauges, tag {@code worker}): the connected sockets and the
 * rooms they are in (a socket's own room not counted), per worker of this JVM;</li>
 * <li>{@code socketio.cluster.requests} (timer, tags {@code worker}, {@code type} = {@code FETCH_SOCKETS} or
 * {@code SERVER_SIDE_EMIT}, {@code outcome} = {@code answered} or {@code timeout}): the requests to the other
 * workers and how long they took;</li>
 * <li>{@code socketio.cluster.request.timeouts} (counter, tags {@code worker}, {@code type}): those that timed
 * out.</li>
 * </ul>
 * The cluster as a whole (workers, restarts, relayed frames and bytes) is measured by the primary, which runs no
 * application code: see its management endpoint {@code /q/socketio/metrics}.
 */
@Singleton
public class SocketIOMeterBinder implements MeterBinder {

    private final LocalServers servers;
    private final ClusterMembership membership;

    SocketIOMeterBinder(LocalServers servers, ClusterMembership membership) {
        this.servers = servers;
        this.membership = membership;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        int position = 0;
        for (SocketIOServerImpl server : servers.servers()) {
            position++;
            // the worker index: of this worker process, or of the in-JVM worker; 0 for a process on its own
            int worker = servers.inJvmCluster().isPresent() ? position : membership.workerIndex();
            Tags tags = Tags.of("worker", Integer.toString(worker));
            Gauge.builder("socketio.sockets", server, SocketIOServerImpl::localSocketCount)
                    .description("Sockets connected to this worker, over every namespace").tags(tags)
                    .register(registry);
            Gauge.builder("socketio.rooms", server, SocketIOMeterBinder::roomCount)
                    .description("Rooms with members on this worker (a socket's own room not counted)").tags(tags)
                    .register(registry);
            if (server.adapterFactory() instanceof ClusterAdapterFactory cluster) {
                cluster.requestListener((type, nanos, timedOut) -> {
                    Timer.builder("socketio.cluster.requests")
                            .description("Requests to the other workers (fetchSockets, serverSideEmitWithAck)")
                            .tags(tags).tag("type", type.name()).tag("outcome", timedOut ? "timeout" : "answered")
                            .register(registry).record(nanos, TimeUnit.NANOSECONDS);
                    if (timedOut) {
                        Counter.builder("socketio.cluster.request.timeouts")
                                .description("Requests to the other workers that timed out")
                                .tags(tags).tag("type", type.name()).register(registry).increment();
                    }
                });
            }
        }
    }

    private static double roomCount(SocketIOServerImpl server) {
        int rooms = 0;
        for (SocketIONamespace namespace : server.namespaces()) {
            Set<String> names = new HashSet<>();
            for (SocketIOSocket socket : namespace.localSockets()) {
                names.addAll(socket.rooms());
                names.remove(socket.id());
            }
            rooms += names.size();
        }
        return rooms;
    }
}
