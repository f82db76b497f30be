package io.quarkiverse.socketio.runtime.cluster.primary;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.jboss.logging.Logger;

import io.quarkiverse.socketio.runtime.cluster.ClusterRecoveryStore;
import io.quarkiverse.socketio.runtime.cluster.FrameChannel;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterFrame;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterProtocolException;
import io.quarkiverse.socketio.runtime.cluster.wire.ControlMessage;
import io.quarkiverse.socketio.runtime.recovery.RecoveryOptions;
import io.quarkiverse.socketio.runtime.recovery.RecoveryStore;

/**
 * The primary's end of the IPC channel: a Unix domain socket in a directory only this user may enter, where the
 * workers it launched connect and present the per-launch secret. It reads the header of each frame and forwards the
 * very bytes: a frame to all goes to every other ready worker, a response to the node it names. It answers the
 * control frames itself and tells every worker at once when another joined (became ready) or left (its connection
 * ended, which happens the moment its process exits).
 * <p>
 * A connection that does not present the secret of a launched, not yet connected node within
 * {@link #HELLO_TIMEOUT_MS} is closed. A frame whose source is not the sender, or that cannot be read, closes that
 * worker's connection (the worker then exits and is restarted); the other workers do not notice beyond the node
 * leaving.
 */
public final class ClusterRelay implements AutoCloseable {

    /** How long a new connection has to present its HELLO. */
    static final long HELLO_TIMEOUT_MS = 5000;

    private static final Logger LOG = Logger.getLogger(ClusterRelay.class);

    /** What the relay tells the primary. */
    public interface Events {

        /** A worker said it serves HTTP. */
        void onReady(int node);

        /** A worker's connection ended: its process exited, or it was refused for a bad frame. */
        void onLinkClosed(int node);

        /** A worker reported how many sockets it serves. */
        default void onStats(int node, int sockets) {
        }

        /** A connection handed to a worker closed (see {@link ControlMessage.HandoffClosed}). */
        default void onHandoffClosed(int node, ControlMessage.HandoffClosed closed) {
        }
    }

    private final Path directory;
    private final Path socketPath;
    private final byte[] secret;
    private final String secretText;
    private final Events events;
    private final ServerSocketChannel server;
    private final ScheduledExecutorService timers;
    /** The launched nodes that have not connected yet. */
    private final Set<Integer> expected = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Connection> connections = new ConcurrentHashMap<>();
    private final Set<Integer> ready = ConcurrentHashMap.newKeySet();
    /** Forwarding shares it; a node joining or leaving takes it alone, so the event follows every frame before. */
    private final ReentrantReadWriteLock membership = new ReentrantReadWriteLock();
    private final LongAdder forwardedFrames = new LongAdder();
    private final LongAdder forwardedBytes = new LongAdder();
    /** connection state recovery's store for the workers; null when recovery is off */
    private final ClusterRecoveryStore recovery;
    private volatile boolean closed;

    private ClusterRelay(Path directory, byte[] secret, Events events, RecoveryOptions recovery) throws IOException {
        this.directory = directory;
        this.socketPath = directory.resolve("ipc.sock");
        this.secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        this.secret = secretText.getBytes(StandardCharsets.UTF_8);
        this.events = events;
        this.recovery = recovery == null ? null : new ClusterRecoveryStore(recovery);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        this.server.bind(UnixDomainSocketAddress.of(socketPath));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "socketio-cluster-relay-timer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Opens the channel in a new owner-only temporary directory and starts accepting workers. */
    public static ClusterRelay open(Events events) throws IOException {
        return open(events, null);
    }

    /**
     * Like {@link #open(Events)}, with the store of connection state recovery when {@code recovery} is not
     * {@code null}.
     */
    public static ClusterRelay open(Events events, RecoveryOptions recovery) throws IOException {
        Path directory = Files.createTempDirectory("socketio-cluster-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        ClusterRelay relay = new ClusterRelay(directory, secret, events, recovery);
        if (relay.recovery != null) {
            long period = recovery.sweepPeriodMillis();
            relay.timers.scheduleWithFixedDelay(relay.recovery::sweep, period, period, TimeUnit.MILLISECONDS);
        }
        Thread acceptor = new Thread(relay::accept, "socketio-cluster-relay-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        return relay;
    }

    /** The socket the workers connect to. */
    public Path socketPath() {
        return socketPath;
    }

    /** What a worker presents in its HELLO. */
    public String secret() {
        return secretText;
    }

    /** Allows one connection for this node (a worker just launched). */
    public void expect(int node) {
        expected.add(node);
    }

    /** Forgets a node whose process exited: its connection is closed if it is still open. */
    public void forget(int node) {
        expected.remove(node);
        Connection connection = connections.get(node);
        if (connection != null) {
            connection.channel.close();
        }
    }

    /** How many frame deliveries the relay made (a frame to all counts once per receiver). */
    public long forwardedFrames() {
        return forwardedFrames.sum();
    }

    /** The bytes of those deliveries. */
    public long forwardedBytes() {
        return forwardedBytes.sum();
    }

    /** What the store of connection state recovery holds, or {@code null} when recovery is off. */
    public RecoveryStore.Stats recoveryStats() {
        return recovery == null ? null : recovery.stats();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Connection connection : connections.values()) {
            connection.channel.close();
        }
        timers.shutdownNow();
        try {
            Files.deleteIfExists(socketPath);
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            LOG.debugf("Could not delete %s: %s", directory, e.getMessage());
        }
    }

    private void accept() {
        while (!closed) {
            SocketChannel socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.errorf("The cluster IPC channel stopped accepting: %s", e.getMessage());
                }
                return;
            }
            Connection connection = new Connection(new FrameChannel(socket, "socketio-cluster-relay"));
            connection.channel.start(connection::onFrame, connection::onClosed);
            timers.schedule(() -> {
                if (connection.node == 0 && connection.channel.isOpen()) {
                    LOG.warn("Refused a connection to the cluster IPC channel: no HELLO within " + HELLO_TIMEOUT_MS
                            + " ms");
                    connection.channel.close();
                }
            }, HELLO_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void forward(Connection from, byte[] frame, ClusterFrame.Header header) {
        membership.readLock().lock();
        try {
            if (header.toAll()) {
                for (Integer node : ready) {
                    Connection to = connections.get(node);
                    if (to != null && to != from) {
                        deliver(to, frame);
                    }
                }
            } else {
                Connection to = connections.get(header.target());
                if (to != null) {
                    deliver(to, frame);
                }
            }
        } finally {
            membership.readLock().unlock();
        }
    }

    private void deliver(Connection to, byte[] frame) {
        if (to.channel.write(frame)) {
            forwardedFrames.increment();
            forwardedBytes.add(frame.length);
        }
    }

    /** Tells every connected worker, ready or still starting, something about the cluster. */
    public void tellWorkers(ControlMessage message) {
        broadcastControl(message, ClusterFrame.RELAY);
    }

    /** To every connected node, ready or still starting: a starting node must know who serves once it serves. */
    private void broadcastControl(ControlMessage message, int except) {
        for (Map.Entry<Integer, Connection> to : connections.entrySet()) {
            if (to.getKey() != except) {
                to.getValue().channel.write(ControlMessage.frame(message, ClusterFrame.RELAY, to.getKey()));
            }
        }
    }

    /** One worker's connection; {@link #node} is 0 until its HELLO was accepted. */
    private final class Connection {

        final FrameChannel channel;
        volatile int node;

        Connection(FrameChannel channel) {
            this.channel = channel;
        }

        void onFrame(byte[] frame) {
            ClusterFrame.Header header = ClusterFrame.header(frame);
            if (node == 0) {
                hello(frame, header);
                return;
            }
            if (header.source() != node) {
                throw new ClusterProtocolException("Worker node " + node + " sent a frame with source "
                        + header.source());
            }
            if (header.kind() == ClusterFrame.Kind.CONTROL) {
                ControlMessage message = ControlMessage.decode(frame);
                if (message instanceof ControlMessage.Ready) {
                    becameReady();
                } else if (message instanceof ControlMessage.Stats stats) {
                    events.onStats(node, stats.sockets());
                } else if (message instanceof ControlMessage.HandoffClosed closed) {
                    events.onHandoffClosed(node, closed);
                } else {
                    throw new ClusterProtocolException("Worker node " + node + " sent an unexpected control frame");
                }
                return;
            }
            if (header.kind() == ClusterFrame.Kind.RECOVERY) {
                if (recovery == null) {
                    throw new ClusterProtocolException("Worker node " + node
                            + " sent a recovery frame, but connection state recovery is off in the primary");
                }
                recovery.onFrame(node, frame, answer -> forward(null, answer, ClusterFrame.header(answer)));
                return;
            }
            forward(this, frame, header);
        }

        private void hello(byte[] frame, ClusterFrame.Header header) {
            int claimed = header.source();
            if (header.kind() != ClusterFrame.Kind.CONTROL
                    || !(ControlMessage.decode(frame) instanceof ControlMessage.Hello hello)
                    || !MessageDigest.isEqual(hello.secret(), secret)) {
                throw new ClusterProtocolException("the first frame is not a HELLO with the cluster's secret");
            }
            if (!expected.remove(claimed)) {
                throw new ClusterProtocolException("node " + claimed + " was not launched or is connected already");
            }
            membership.writeLock().lock();
            try {
                node = claimed;
                connections.put(claimed, this);
                channel.write(ControlMessage.frame(new ControlMessage.Welcome(new TreeSet<>(ready)), ClusterFrame.RELAY,
                        claimed));
            } finally {
                membership.writeLock().unlock();
            }
        }

        private void becameReady() {
            membership.writeLock().lock();
            try {
                if (!ready.add(node)) {
                    return;
                }
                broadcastControl(new ControlMessage.NodeJoined(node), node);
            } finally {
                membership.writeLock().unlock();
            }
            events.onReady(node);
        }

        void onClosed(Throwable cause) {
            int gone = node;
            if (gone == 0) {
                if (cause != null && !closed) {
                    LOG.warnf("Refused a connection to the cluster IPC channel: %s", cause.getMessage());
                }
                return;
            }
            if (cause instanceof ClusterProtocolException && !closed) {
                LOG.warnf("Closed the IPC link of worker node %d, which sent a malformed frame: %s", gone,
                        cause.getMessage());
            }
            membership.writeLock().lock();
            try {
                connections.remove(gone, this);
                if (ready.remove(gone) && !closed) {
                    broadcastControl(new ControlMessage.NodeLeft(gone), gone);
                }
            } finally {
                membership.writeLock().unlock();
            }
            if (recovery != null) {
                recovery.nodeGone(gone);
            }
            if (!closed) {
                events.onLinkClosed(gone);
            }
        }
    }
}
