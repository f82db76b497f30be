package io.quarkiverse.socketio.runtime.observability;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.ClusterMembership;
import io.quarkiverse.socketio.runtime.SocketIOServers;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterAdapterFactory;
import io.quarkiverse.socketio.runtime.cluster.injvm.InJvmCluster;
import io.quarkiverse.socketio.runtime.cluster.wire.ControlMessage;
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
 * out;</li>
 * <li>in a cluster, {@code socketio.cluster.worker.restarts} (function counter, tag {@code worker}: the index of the
 * restarted worker), {@code socketio.cluster.relay.frames} and {@code socketio.cluster.relay.bytes} (function
 * counters): the restarts of each worker and the relay's deliveries (a frame to every worker counted once per
 * receiver) and their bytes.</li>
 * </ul>
 * In a worker process the last three are the primary's counts, which it sends to every worker each second (a worker
 * cannot count its own restarts, and the relay runs in the primary): every worker reports the same values, at most a
 * second old, and they appear once the first count arrived. The primary counts a restart when it starts a worker again
 * after its process exited (not for {@code socketio restart} or {@code reload}, which replace a worker). In the in-JVM
 * cluster of dev and test mode they are that cluster's own counts: the restarts by the Dev UI's restart and reload, and
 * the in-JVM relay's deliveries. A process on its own has none of them. The primary serves the same numbers, and more,
 * at its management endpoint {@code /q/socketio/metrics}.
 */
@Singleton
public class SocketIOMeterBinder implements MeterBinder {

    private final SocketIOServers servers;
    private final ClusterMembership membership;

    SocketIOMeterBinder(SocketIOServers servers, ClusterMembership membership) {
        this.servers = servers;
        this.membership = membership;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Optional<InJvmCluster> inJvm = servers.inJvmCluster();
        int position = 0;
        for (SocketIOServerImpl server : servers.servers()) {
            position++;
            // the worker index: of this worker process, or of the in-JVM worker; 0 for a process on its own
            int worker = inJvm.isPresent() ? position : membership.workerIndex();
            Tags tags = Tags.of("worker", Integer.toString(worker));
            // an in-JVM worker that is restarted gets a new server: the gauges read the current one of the index
            Supplier<SocketIOServerImpl> current = inJvm.isPresent()
                    ? () -> inJvm.get().worker(worker).map(InJvmCluster.Worker::server).orElse(null) // null: scaled down
                    : () -> server;
            Gauge.builder("socketio.sockets", current, s -> socketCount(s.get()))
                    .description("Sockets connected to this worker, over every namespace").tags(tags)
                    .strongReference(true).register(registry);
            Gauge.builder("socketio.rooms", current, s -> roomCount(s.get()))
                    .description("Rooms with members on this worker (a socket's own room not counted)").tags(tags)
                    .strongReference(true).register(registry);
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
        if (inJvm.isPresent()) {
            bindInJvmCluster(registry, inJvm.get());
        } else if (membership.isWorker()) {
            bindPrimaryCounts(registry);
        }
    }

    /** The in-JVM cluster counts its restarts and relay traffic itself, in this JVM. */
    private static void bindInJvmCluster(MeterRegistry registry, InJvmCluster cluster) {
        relayCounters(registry, cluster, c -> c.relayTraffic().frames(), c -> c.relayTraffic().bytes());
        for (InJvmCluster.Worker worker : cluster.workers()) {
            int index = worker.index();
            restartCounter(registry, cluster, index,
                    c -> c.worker(index).map(w -> (double) w.restarts()).orElse(Double.NaN)); // NaN: scaled down
        }
    }

    /**
     * A worker process cannot count its own restarts nor the relay's traffic: the primary sends them every second. The
     * meters appear with the first count, and a worker index with the first count that has it (after a scale up).
     */
    private void bindPrimaryCounts(MeterRegistry registry) {
        AtomicBoolean relayBound = new AtomicBoolean();
        Set<Integer> indexesBound = ConcurrentHashMap.newKeySet();
        membership.onClusterStats(stats -> {
            if (relayBound.compareAndSet(false, true)) {
                relayCounters(registry, membership,
                        m -> m.clusterStats().map(ControlMessage.ClusterStats::relayFrames).orElse(0L),
                        m -> m.clusterStats().map(ControlMessage.ClusterStats::relayBytes).orElse(0L));
            }
            for (int index : stats.restarts().keySet()) {
                if (indexesBound.add(index)) {
                    restartCounter(registry, membership, index, m -> m.clusterStats()
                            .map(s -> s.restarts().get(index)).map(Integer::doubleValue).orElse(Double.NaN));
                }
            }
        });
    }

    private static <T> void relayCounters(MeterRegistry registry, T source, ToDoubleFunction<T> frames,
            ToDoubleFunction<T> bytes) {
        FunctionCounter.builder("socketio.cluster.relay.frames", source, frames)
                .description("Cluster frames the relay delivered (a frame to every worker counts once per receiver)")
                .register(registry);
        FunctionCounter.builder("socketio.cluster.relay.bytes", source, bytes)
                .description("Bytes of the cluster frames the relay delivered").baseUnit(BaseUnits.BYTES)
                .register(registry);
    }

    private static <T> void restartCounter(MeterRegistry registry, T source, int index, ToDoubleFunction<T> restarts) {
        FunctionCounter.builder("socketio.cluster.worker.restarts", source, restarts)
                .description("Restarts of a worker (tag worker: its index)")
                .tags(Tags.of("worker", Integer.toString(index))).register(registry);
    }

    private static double socketCount(SocketIOServerImpl server) {
        return server == null ? Double.NaN : server.localSocketCount();
    }

    private static double roomCount(SocketIOServerImpl server) {
        if (server == null) {
            return Double.NaN;
        }
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
