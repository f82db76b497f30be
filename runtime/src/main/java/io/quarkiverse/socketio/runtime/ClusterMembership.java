package io.quarkiverse.socketio.runtime;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.socketio.runtime.adapter.AdapterFactory;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterAdapterFactory;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterLink;
import io.quarkiverse.socketio.runtime.cluster.wire.ControlMessage;
import io.quarkiverse.socketio.runtime.cluster.worker.WorkerLink;
import io.vertx.core.Vertx;

/**
 * This process's place in a cluster: a worker with its link to the primary, a process that runs a whole cluster of
 * in-JVM workers (dev and test mode), or a process on its own. A bean, so that the servers are made from it.
 */
public final class ClusterMembership {

    private static final ClusterMembership ALONE = new ClusterMembership(null, 0);

    private final WorkerLink link;
    private final int inJvmWorkers;

    private ClusterMembership(WorkerLink link, int inJvmWorkers) {
        this.link = link;
        this.inJvmWorkers = inJvmWorkers;
    }

    /** A process that is not part of a cluster. */
    public static ClusterMembership alone() {
        return ALONE;
    }

    /** A worker, joined to its primary through {@code link}. */
    public static ClusterMembership worker(WorkerLink link) {
        return new ClusterMembership(link, 0);
    }

    /** A process that runs a cluster of {@code workers} in-JVM workers (dev and test mode). */
    public static ClusterMembership inJvmCluster(int workers) {
        return new ClusterMembership(null, workers);
    }

    /** The number of in-JVM workers this process runs, or 0 when it runs one server. */
    public int inJvmWorkers() {
        return inJvmWorkers;
    }

    /** The link to the other workers, empty when this process is not a worker. */
    public Optional<ClusterLink> link() {
        return Optional.ofNullable(link);
    }

    /** The worker's link to its primary, empty when this process is not a worker. */
    public Optional<WorkerLink> workerLink() {
        return Optional.ofNullable(link);
    }

    /** The worker's index (1 to the number of workers), or 0 when this process is not a worker. */
    public int workerIndex() {
        return link == null ? 0 : link.workerIndex();
    }

    /** Tells the primary the worker serves HTTP; nothing when this process is not a worker. */
    public void httpReady() {
        if (link != null) {
            link.ready();
        }
    }

    /** Tells the primary how many sockets the worker serves; nothing when this process is not a worker. */
    public void reportSockets(int sockets) {
        if (link != null) {
            link.stats(sockets);
        }
    }

    /** In a worker, the cluster's readiness as the primary last told it; empty elsewhere, or until it does. */
    public Optional<ControlMessage.ClusterReadiness> clusterReadiness() {
        return link == null ? Optional.empty() : link.clusterReadiness();
    }

    /**
     * In a worker, the primary's counts (restarts of each worker, relay traffic) as it last told them; empty elsewhere,
     * or until it does.
     */
    public Optional<ControlMessage.ClusterStats> clusterStats() {
        return link == null ? Optional.empty() : link.clusterStats();
    }

    /**
     * In a worker, calls {@code listener} with each count the primary sends (every second), at once with the last one
     * if there is one; nothing elsewhere. The listener runs on the link's thread and must return quickly.
     */
    public void onClusterStats(Consumer<ControlMessage.ClusterStats> listener) {
        if (link != null) {
            link.clusterStatsListener(listener);
            link.clusterStats().ifPresent(listener);
        }
    }

    /** Whether this process is a worker of a cluster. */
    public boolean isWorker() {
        return link != null;
    }

    /**
     * The adapters of the namespaces: in-memory alone, the cluster adapter in a worker; with {@code recovery}, a
     * worker's adapters keep the sessions and broadcasts of connection state recovery in the primary's store.
     */
    public AdapterFactory adapterFactory(Vertx vertx, ObjectMapper mapper, Duration requestsTimeout, boolean recovery) {
        return link == null ? AdapterFactory.IN_MEMORY
                : new ClusterAdapterFactory(vertx, link, mapper, requestsTimeout, recovery);
    }
}
