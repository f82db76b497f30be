package io.quarkiverse.socketio.runtime.cluster.injvm;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.jboss.logging.Logger;

import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterLink;
import io.quarkiverse.socketio.runtime.cluster.ClusterRecoveryStore;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterFrame;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterProtocolException;
import io.quarkiverse.socketio.runtime.recovery.RecoveryOptions;

/**
 * A cluster inside one JVM: the links of several isolated server instances joined by a relay that works like the
 * primary's: it reads only the frame header (source, target) and passes the very frame bytes on, so the nodes use the
 * same codec as over the inter-process channel. Used by the dev-mode cluster and by tests.
 * <p>
 * Delivery is synchronous: a frame reaches each target's listener on the sender's thread (listeners hand it over to
 * their own context). Node numbers start at 1 and are never reused. {@link #kill(int)} makes a node disappear at once,
 * like a worker process that exited; {@link #hold(int)} keeps back the frames for a node, like a stalled worker.
 */
public final class InJvmRelay {

    private static final Logger LOG = Logger.getLogger(InJvmRelay.class);

    private final Map<Integer, Link> links = new ConcurrentHashMap<>();
    /** Deliveries share it; a node joining or leaving takes it alone, so it is ordered after every delivery. */
    private final ReentrantReadWriteLock membership = new ReentrantReadWriteLock();
    private final int maxFrameSize;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong forwardedBytes = new AtomicLong();
    /** connection state recovery's store, as the primary keeps it for worker processes; null when recovery is off */
    private final ClusterRecoveryStore recovery;
    private int nextNode = 1;

    public InJvmRelay() {
        this(ClusterFrame.DEFAULT_MAX_FRAME_SIZE, null);
    }

    /**
     * @param maxFrameSize the largest frame forwarded; larger ones are dropped
     * @param recovery the settings of connection state recovery, whose store the relay then keeps for the nodes (as
     *        the primary does); {@code null} when recovery is off
     */
    public InJvmRelay(int maxFrameSize, RecoveryOptions recovery) {
        this.maxFrameSize = maxFrameSize;
        this.recovery = recovery == null ? null : new ClusterRecoveryStore(recovery);
    }

    /** Forgets the expired sessions and broadcasts of the recovery store; call it now and then. */
    public void sweepRecovery() {
        if (recovery != null) {
            recovery.sweep();
        }
    }

    /** A new node: its link, connected. The nodes already there are told it joined. */
    public ClusterLink join() {
        membership.writeLock().lock();
        try {
            if (nextNode > ClusterFrame.MAX_NODE) {
                throw new IllegalStateException("No node number left");
            }
            Link link = new Link(nextNode++);
            for (Link other : links.values()) {
                other.nodeEvent(link.node, true);
            }
            links.put(link.node, link);
            return link;
        } finally {
            membership.writeLock().unlock();
        }
    }

    /**
     * The node disappears at once, like a worker process that exited: its link closes, the frames held for it are
     * dropped, and every other node is told it left. Nothing it sends afterwards is delivered.
     */
    public void kill(int node) {
        membership.writeLock().lock();
        try {
            Link link = links.remove(node);
            if (link == null) {
                return;
            }
            link.closeQuietly();
            if (recovery != null) {
                recovery.nodeGone(node);
            }
            for (Link other : links.values()) {
                other.nodeEvent(node, false);
            }
        } finally {
            membership.writeLock().unlock();
        }
    }

    /** Keeps back the frames for a node until {@link #release(int)} (or drops them on {@link #kill(int)}). */
    public void hold(int node) {
        Link link = links.get(node);
        if (link != null) {
            link.hold();
        }
    }

    /** Delivers the frames held for a node, in order, and delivers the next ones at once again. */
    public void release(int node) {
        Link link = links.get(node);
        if (link != null) {
            link.release();
        }
    }

    /** The live nodes. */
    public Set<Integer> nodes() {
        return Collections.unmodifiableSet(new TreeSet<>(links.keySet()));
    }

    /** How many frame deliveries the relay made (a frame to all counts once per receiver). */
    public long forwardedFrames() {
        return forwarded.get();
    }

    /** The bytes of those deliveries. */
    public long forwardedBytes() {
        return forwardedBytes.get();
    }

    /** Forwards a frame from a node, reading only its header. */
    private void route(Link from, byte[] frame, int expectedTarget) {
        ClusterFrame.Header header;
        try {
            header = ClusterFrame.header(frame, maxFrameSize);
        } catch (ClusterProtocolException e) {
            LOG.warnf("Node %d sent a bad cluster frame, dropped: %s", from.node, e.getMessage());
            return;
        }
        if (header.kind() == ClusterFrame.Kind.RECOVERY) {
            recover(from, frame);
            return;
        }
        if (header.source() != from.node || header.target() != expectedTarget) {
            throw new IllegalArgumentException("Frame header (source " + header.source() + ", target "
                    + header.target() + ") does not match the call (node " + from.node + ", target " + expectedTarget
                    + ")");
        }
        membership.readLock().lock();
        try {
            if (!from.open) {
                return;
            }
            if (header.toAll()) {
                for (Link to : links.values()) {
                    if (to != from) {
                        to.deliver(frame);
                    }
                }
            } else {
                Link to = links.get(header.target());
                if (to != null) {
                    to.deliver(frame);
                }
            }
        } finally {
            membership.readLock().unlock();
        }
    }

    /** A recovery frame from a node goes to the store, which answers by frames for the node(s) their header names. */
    private void recover(Link from, byte[] frame) {
        if (recovery == null) {
            LOG.warnf("Node %d sent a recovery frame, but connection state recovery is off: dropped", from.node);
            return;
        }
        membership.readLock().lock();
        try {
            if (!from.open) {
                return;
            }
            recovery.onFrame(from.node, frame, answer -> {
                ClusterFrame.Header header = ClusterFrame.header(answer);
                if (header.toAll()) {
                    // the sender included: a numbered broadcast comes back to it too
                    for (Link to : links.values()) {
                        to.deliver(answer);
                    }
                } else {
                    Link to = links.get(header.target());
                    if (to != null) {
                        to.deliver(answer);
                    }
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf("Node %d sent a bad recovery frame, dropped: %s", from.node, e.getMessage());
        } finally {
            membership.readLock().unlock();
        }
    }

    private final class Link implements ClusterLink {

        private final int node;
        private volatile boolean open = true;
        private volatile Listener listener;
        /** frames kept back while held; guarded by this */
        private ArrayDeque<byte[]> held;

        Link(int node) {
            this.node = node;
        }

        @Override
        public int self() {
            return node;
        }

        @Override
        public Set<Integer> liveNodes() {
            if (!open) {
                return Set.of();
            }
            Set<Integer> nodes = new TreeSet<>(links.keySet());
            nodes.remove(node);
            return Collections.unmodifiableSet(nodes);
        }

        @Override
        public void publish(byte[] frame) {
            route(this, frame, ClusterFrame.ALL);
        }

        @Override
        public void send(int target, byte[] frame) {
            route(this, frame, target);
        }

        @Override
        public void listener(Listener listener) {
            this.listener = listener;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            kill(node);
        }

        synchronized void closeQuietly() {
            open = false;
            held = null;
        }

        synchronized void hold() {
            if (held == null) {
                held = new ArrayDeque<>();
            }
        }

        synchronized void release() {
            ArrayDeque<byte[]> frames = held;
            held = null;
            if (frames != null) {
                for (byte[] frame : frames) {
                    dispatch(frame);
                }
            }
        }

        synchronized void deliver(byte[] frame) {
            if (!open) {
                return;
            }
            if (held != null) {
                held.add(frame);
            } else {
                dispatch(frame);
            }
        }

        private void dispatch(byte[] frame) {
            Listener current = listener;
            if (current != null) {
                forwarded.incrementAndGet();
                forwardedBytes.addAndGet(frame.length);
                try {
                    current.onFrame(frame);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Node %d failed to take a frame", node);
                }
            }
        }

        void nodeEvent(int other, boolean joined) {
            Listener current = listener;
            if (current != null && open) {
                try {
                    if (joined) {
                        current.onNodeJoined(other);
                    } else {
                        current.onNodeLeft(other);
                    }
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Node %d failed to take a node event", node);
                }
            }
        }
    }
}
