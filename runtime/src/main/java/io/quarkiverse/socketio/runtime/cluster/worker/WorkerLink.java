package io.quarkiverse.socketio.runtime.cluster.worker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterLink;
import io.quarkiverse.socketio.runtime.cluster.FrameChannel;
import io.quarkiverse.socketio.runtime.cluster.SocketHandoff;
import io.quarkiverse.socketio.runtime.cluster.WorkerEnvironment;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterFrame;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterProtocolException;
import io.quarkiverse.socketio.runtime.cluster.wire.ControlMessage;

/**
 * A worker's link to the cluster: its connection to the primary's relay over the primary's Unix domain socket. The
 * relay tells it which nodes serve, and when one joins or leaves; adapter frames go through the relay to the other
 * workers.
 */
public final class WorkerLink implements ClusterLink {

    private static final Logger LOG = Logger.getLogger(WorkerLink.class);

    private final WorkerEnvironment environment;
    private final FrameChannel channel;
    private final Set<Integer> liveNodes = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> welcomed = new CompletableFuture<>();
    private final Runnable onLost;
    private volatile Listener listener;
    private volatile boolean closing;
    /** the cluster's readiness, as the primary last told it; null until it does */
    private volatile ControlMessage.ClusterReadiness clusterReadiness;
    /** the primary's counts (restarts, relay traffic), as it last told them; null until it does */
    private volatile ControlMessage.ClusterStats clusterStats;
    private volatile Consumer<ControlMessage.ClusterStats> statsListener = stats -> {
    };

    private WorkerLink(WorkerEnvironment environment, SocketChannel socket, Runnable onLost) {
        this.environment = environment;
        this.channel = new FrameChannel(socket, "socketio-cluster-link");
        this.onLost = onLost;
    }

    /**
     * Connects to the primary and presents the worker's secret; returns once the primary accepted it.
     *
     * @param onLost run when the primary closes the link (it stopped, died, or refused a frame of this worker)
     * @throws IllegalStateException when the primary cannot be reached or does not accept the worker in time
     */
    public static WorkerLink connect(WorkerEnvironment environment, Duration timeout, Runnable onLost) {
        SocketChannel socket;
        try {
            socket = SocketChannel.open(StandardProtocolFamily.UNIX);
            socket.connect(UnixDomainSocketAddress.of(environment.ipcPath()));
        } catch (IOException e) {
            throw new IllegalStateException("Worker " + environment.index() + " cannot reach the cluster primary at "
                    + environment.ipcPath() + ": " + e.getMessage(), e);
        }
        WorkerLink link = new WorkerLink(environment, socket, onLost);
        link.channel.start(link::onFrame, link::onClosed);
        link.channel.write(ControlMessage.frame(ControlMessage.hello(environment.secret()), environment.node(),
                ClusterFrame.RELAY));
        try {
            link.welcomed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            link.close();
            throw new IllegalStateException("Interrupted while joining the cluster", e);
        } catch (ExecutionException | TimeoutException e) {
            link.close();
            throw new IllegalStateException("The cluster primary did not accept worker " + environment.index()
                    + " within " + timeout.toMillis() + " ms", e);
        }
        return link;
    }

    /** Tells the primary that this worker serves HTTP: it starts routing requests here. */
    public void ready() {
        channel.write(ControlMessage.frame(new ControlMessage.Ready(), self(), ClusterFrame.RELAY));
    }

    /** Tells the primary how many sockets this worker serves. */
    public void stats(int sockets) {
        channel.write(ControlMessage.frame(new ControlMessage.Stats(sockets), self(), ClusterFrame.RELAY));
    }

    /** Tells the primary that a connection it handed to this worker closed (see {@link ControlMessage.HandoffClosed}). */
    public void handoffClosed(String sid, boolean stillPolling) {
        channel.write(ControlMessage.frame(new ControlMessage.HandoffClosed(sid, stillPolling), self(),
                ClusterFrame.RELAY));
    }

    /** Where this worker takes the connections the primary hands over (see {@link SocketHandoff}). */
    public Path handoffSocket() {
        return SocketHandoff.socketPath(Path.of(environment.ipcPath()), environment.node());
    }

    /** The worker's index, 1 to the number of workers. */
    public int workerIndex() {
        return environment.index();
    }

    @Override
    public int self() {
        return environment.node();
    }

    @Override
    public Set<Integer> liveNodes() {
        return channel.isOpen() ? Set.copyOf(liveNodes) : Collections.emptySet();
    }

    @Override
    public void publish(byte[] frame) {
        channel.write(frame);
    }

    @Override
    public void send(int node, byte[] frame) {
        channel.write(frame);
    }

    @Override
    public void listener(Listener listener) {
        this.listener = listener;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        closing = true;
        channel.close();
    }

    private void onFrame(byte[] frame) {
        ClusterFrame.Header header = ClusterFrame.header(frame);
        // adapter messages, and connection state recovery's (from the primary's store): the adapters' business
        if (header.kind() == ClusterFrame.Kind.ADAPTER || header.kind() == ClusterFrame.Kind.RECOVERY) {
            Listener current = listener;
            if (current != null) {
                try {
                    current.onFrame(frame);
                } catch (RuntimeException e) {
                    // the adapter's failure, not the link's: the link stays up
                    LOG.errorf(e, "Worker %d could not take a cluster frame", environment.index());
                }
            }
            return;
        }
        if (header.source() != ClusterFrame.RELAY) {
            throw new ClusterProtocolException("A control frame from node " + header.source() + ", not the primary");
        }
        ControlMessage message = ControlMessage.decode(frame);
        if (message instanceof ControlMessage.Welcome welcome) {
            liveNodes.addAll(welcome.liveNodes());
            welcomed.complete(null);
        } else if (message instanceof ControlMessage.NodeJoined joined) {
            if (liveNodes.add(joined.node())) {
                Listener current = listener;
                if (current != null) {
                    current.onNodeJoined(joined.node());
                }
            }
        } else if (message instanceof ControlMessage.NodeLeft left) {
            if (liveNodes.remove(left.node())) {
                Listener current = listener;
                if (current != null) {
                    current.onNodeLeft(left.node());
                }
            }
        } else if (message instanceof ControlMessage.ClusterReadiness readiness) {
            clusterReadiness = readiness;
        } else if (message instanceof ControlMessage.ClusterStats stats) {
            clusterStats = stats;
            try {
                statsListener.accept(stats);
            } catch (RuntimeException e) {
                // the meters' failure, not the link's: the link stays up
                LOG.errorf(e, "Worker %d could not take the cluster's counts", environment.index());
            }
        } else {
            throw new ClusterProtocolException("Unexpected control message from the primary: " + message);
        }
    }

    /** How many workers serve out of the desired number, as the primary tells every second; empty until it does. */
    public Optional<ControlMessage.ClusterReadiness> clusterReadiness() {
        return Optional.ofNullable(clusterReadiness);
    }

    /** The primary's counts (restarts per worker, relay traffic) as it tells every second; empty until it does. */
    public Optional<ControlMessage.ClusterStats> clusterStats() {
        return Optional.ofNullable(clusterStats);
    }

    /**
     * Calls {@code listener} with each count the primary sends from now on (every second), on the link's thread: it
     * must return quickly.
     */
    public void clusterStatsListener(Consumer<ControlMessage.ClusterStats> listener) {
        this.statsListener = listener;
    }

    private void onClosed(Throwable cause) {
        welcomed.completeExceptionally(cause != null ? cause : new IOException("The primary closed the link"));
        if (closing) {
            return;
        }
        if (cause != null) {
            LOG.errorf("Worker %d lost its link to the cluster primary: %s", environment.index(), cause.getMessage());
        } else {
            LOG.errorf("Worker %d: the cluster primary closed the link", environment.index());
        }
        onLost.run();
    }
}
