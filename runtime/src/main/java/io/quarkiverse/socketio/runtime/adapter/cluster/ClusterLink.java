package io.quarkiverse.socketio.runtime.adapter.cluster;

import java.util.Set;

/**
 * A node's connection to the other nodes of its cluster: the transport under the cluster adapters. One link per
 * process (worker), shared by the adapters of every namespace.
 * <p>
 * Frames are whole {@link io.quarkiverse.socketio.runtime.cluster.wire.ClusterFrame}s (length prefix, header, body), and
 * their header must agree with the call: {@link #publish(byte[])} takes frames with target {@code ALL},
 * {@link #send(int, byte[])} frames with that target, and the source is always {@link #self()}. The link delivers
 * the frames addressed to this node, or to all, in the order each sender sent them; it never delivers a node's own
 * frames back to it. It reports at once a node that joined or left (a worker that exited), after every frame that
 * node sent before. Every method may be called from any thread; the listener may be called on any thread and must
 * return quickly (hand the work over to its own thread or context).
 */
public interface ClusterLink {

    /** This node's number, 1 to {@link io.quarkiverse.socketio.runtime.cluster.wire.ClusterFrame#MAX_NODE}. */
    int self();

    /** The other nodes reachable now (this node excluded). */
    Set<Integer> liveNodes();

    /** Sends a frame (target {@code ALL}) to every other node. Dropped when the link is closed. */
    void publish(byte[] frame);

    /** Sends a frame to one node; dropped when that node is gone or the link is closed. */
    void send(int node, byte[] frame);

    /**
     * Sets the one listener of incoming frames and node events, replacing the previous one. What arrives while no
     * listener is set is dropped; a new listener reads {@link #liveNodes()} for the nodes already there.
     */
    void listener(Listener listener);

    /** Whether the link is connected to the cluster. */
    boolean isOpen();

    /** Leaves the cluster: the other nodes are told this node left. */
    void close();

    /** What a link tells its node. */
    interface Listener {

        /** A frame for this node (target this node or all); the array is shared: do not change it. */
        void onFrame(byte[] frame);

        /** A node joined the cluster. */
        void onNodeJoined(int node);

        /** A node left the cluster; nothing more will arrive from it. */
        void onNodeLeft(int node);
    }
}
