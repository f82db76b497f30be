package io.quarkiverse.socketio.runtime.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.quarkiverse.socketio.runtime.cluster.wire.ClusterFrame;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterProtocolException;
import io.quarkiverse.socketio.runtime.cluster.wire.RecoveryMessage;
import io.quarkiverse.socketio.runtime.recovery.RecoveryOptions;
import io.quarkiverse.socketio.runtime.recovery.RecoveryStore;

/**
 * The primary's store of connection state recovery for every worker, so that a session outlives the worker that held
 * it (killed, reloaded, scaled away). It keeps the session states the workers send (on connect, on each room change,
 * at a disconnection) and numbers every recoverable broadcast: a worker sends the broadcast here instead of
 * delivering it, the store gives it the next offset of its one counter, keeps it, and sends it to every worker, the
 * sender included, which deliver it with the offset. One counter for the cluster makes offsets unique, and the order
 * every client sees the order of the log. Both session states and broadcasts are bytes the workers wrote: the primary
 * never decodes a Socket.IO packet.
 */
public final class ClusterRecoveryStore {

    private static final Logger LOG = Logger.getLogger(ClusterRecoveryStore.class);

    private final RecoveryStore<byte[], byte[]> store;

    public ClusterRecoveryStore(RecoveryOptions options) {
        this.store = new RecoveryStore<>(options);
    }

    /**
     * A recovery frame from a worker; runs on that worker's reader thread. {@code deliver} sends a frame of the store
     * to the node its header names (every ready worker for {@code ALL}), in the order of the calls.
     */
    public void onFrame(int node, byte[] frame, Consumer<byte[]> deliver) {
        RecoveryMessage message = RecoveryMessage.decode(frame);
        if (message instanceof RecoveryMessage.Sequence sequence) {
            // numbered and sent while the store is held: every worker gets the broadcasts in offset order, and a
            // RESTORED answer sits between the broadcasts it holds and those it does not
            synchronized (store) {
                long offset = store.append(sequence.message(), sequence.message().length);
                deliver.accept(RecoveryMessage.frame(new RecoveryMessage.Sequenced(offset, node, sequence.message()),
                        ClusterFrame.RELAY, ClusterFrame.ALL));
            }
        } else if (message instanceof RecoveryMessage.Connected connected) {
            store.connected(connected.key(), connected.state(), node);
        } else if (message instanceof RecoveryMessage.Disconnected disconnected) {
            store.disconnected(disconnected.key(), disconnected.state().length == 0 ? null : disconnected.state());
        } else if (message instanceof RecoveryMessage.Discard discard) {
            store.discard(discard.key());
        } else if (message instanceof RecoveryMessage.Restore restore) {
            synchronized (store) {
                RecoveryStore.Restored<byte[], byte[]> restored = store.take(restore.key(), restore.offset());
                deliver.accept(restoredFrame(restore, restored, node));
            }
        } else {
            throw new ClusterProtocolException("Worker node " + node + " sent a recovery message only the primary sends");
        }
    }

    private byte[] restoredFrame(RecoveryMessage.Restore restore, RecoveryStore.Restored<byte[], byte[]> restored,
            int node) {
        if (restored != null) {
            List<RecoveryMessage.Missed> missed = new ArrayList<>(restored.missed().size());
            long offset = restore.offset();
            for (byte[] packet : restored.missed()) {
                missed.add(new RecoveryMessage.Missed(++offset, packet));
            }
            try {
                return RecoveryMessage.frame(new RecoveryMessage.Restored(restore.requestId(), restored.session(),
                        missed), ClusterFrame.RELAY, node);
            } catch (IllegalArgumentException e) {
                LOG.warnf("A session cannot be recovered: %s", e.getMessage());
            }
        }
        return RecoveryMessage.frame(new RecoveryMessage.Restored(restore.requestId(), null, List.of()),
                ClusterFrame.RELAY, node);
    }

    /** A worker is gone: its connected sessions count as disconnected from now. */
    public void nodeGone(int node) {
        store.nodeGone(node);
    }

    public void sweep() {
        store.sweep();
    }

    public RecoveryStore.Stats stats() {
        return store.stats();
    }
}
