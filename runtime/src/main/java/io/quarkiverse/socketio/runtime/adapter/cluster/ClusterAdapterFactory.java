package io.quarkiverse.socketio.runtime.adapter.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.socketio.runtime.adapter.Adapter;
import io.quarkiverse.socketio.runtime.adapter.AdapterFactory;
import io.quarkiverse.socketio.runtime.adapter.AdapterObserver;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessageCodec;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterFrame;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterProtocolException;
import io.quarkiverse.socketio.runtime.cluster.wire.RecoveryMessage;
import io.quarkiverse.socketio.runtime.recovery.RestoredSession;
import io.quarkiverse.socketio.runtime.server.JsonArgs;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

/**
 * The cluster side of one server process: makes a {@link ClusterAdapter} per namespace, all sharing one
 * {@link ClusterLink}. It is the link's listener: each incoming frame is decoded once and handed to the adapter of
 * its namespace (frames for a namespace this server does not have are dropped, as in Node.js); node events go to
 * every adapter.
 * <p>
 * Threading: the link may call in on any thread; everything it delivers is applied in arrival order on one Vert.x
 * event-loop context of this factory, never blocking the caller. The adapters' local operations are thread-safe and
 * write to sockets through their own contexts. A periodic task on that context sends each adapter's heartbeat and
 * forgets remote adapters silent for {@link #HEARTBEAT_TIMEOUT} (a node the link still reports but that stopped
 * answering).
 */
public final class ClusterAdapterFactory implements AdapterFactory, ClusterLink.Listener {

    private static final Logger LOG = Logger.getLogger(ClusterAdapterFactory.class);

    /** socket.io-adapter's default {@code requestsTimeout}. */
    public static final Duration DEFAULT_REQUESTS_TIMEOUT = Duration.ofSeconds(5);
    /** socket.io-adapter's default heartbeat interval. */
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    /** socket.io-adapter's default: a remote adapter silent this long is forgotten. */
    public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final Context context;
    private final ClusterLink link;
    private final ObjectMapper mapper;
    private final JsonArgs json;
    private final Duration requestsTimeout;
    private final ClusterMessageCodec codec = new ClusterMessageCodec();
    private final Map<String, ClusterAdapter> adapters = new ConcurrentHashMap<>();
    /** nodes the link reported gone: late frames from them are dropped. Touched on the context only. */
    private final Set<Integer> deadNodes = ConcurrentHashMap.newKeySet();
    private volatile AdapterObserver observer = AdapterObserver.NONE;
    private volatile ClusterRequestListener requestListener = ClusterRequestListener.NONE;
    private volatile long heartbeatTimer = -1;
    private volatile boolean closed;
    /** whether connection state recovery is on: the primary then keeps the sessions and numbers the broadcasts */
    private final boolean recovery;
    /** restore requests waiting for the primary's answer, by request id; touched on the context only */
    private final Map<Integer, PendingRestore> restores = new ConcurrentHashMap<>();
    private final AtomicInteger restoreIds = new AtomicInteger();

    /** A factory with the default requests timeout (5 s). */
    public ClusterAdapterFactory(Vertx vertx, ClusterLink link, ObjectMapper mapper) {
        this(vertx, link, mapper, DEFAULT_REQUESTS_TIMEOUT);
    }

    /**
     * @param vertx the server's Vert.x
     * @param link this process's link to the other nodes; the factory becomes its listener
     * @param mapper the application's mapper, for the data of sockets that fetchSockets returns
     * @param requestsTimeout how long fetchSockets and serverSideEmitWithAck wait for the other nodes (unless the
     *        broadcast operator has its own timeout)
     */
    public ClusterAdapterFactory(Vertx vertx, ClusterLink link, ObjectMapper mapper, Duration requestsTimeout) {
        this(vertx, link, mapper, requestsTimeout, false);
    }

    /**
     * Like {@link #ClusterAdapterFactory(Vertx, ClusterLink, ObjectMapper, Duration)}; with {@code recovery}, the
     * sessions and recoverable broadcasts of connection state recovery go through the store of the relay (the
     * primary's, or the in-JVM relay's).
     */
    public ClusterAdapterFactory(Vertx vertx, ClusterLink link, ObjectMapper mapper, Duration requestsTimeout,
            boolean recovery) {
        this(vertx, link, mapper, requestsTimeout, recovery, ((VertxInternal) vertx).createEventLoopContext());
    }

    /** @param context the event-loop context everything the link delivers is applied on */
    public ClusterAdapterFactory(Vertx vertx, ClusterLink link, ObjectMapper mapper, Duration requestsTimeout,
            boolean recovery, Context context) {
        this.recovery = recovery;
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.link = Objects.requireNonNull(link, "link");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.json = new JsonArgs(mapper);
        if (requestsTimeout == null || requestsTimeout.isNegative() || requestsTimeout.isZero()) {
            throw new IllegalArgumentException("requestsTimeout must be positive: " + requestsTimeout);
        }
        this.requestsTimeout = requestsTimeout;
        this.context = Objects.requireNonNull(context, "context");
        link.listener(this);
        context.runOnContext(v -> {
            if (!closed) {
                heartbeatTimer = vertx.setPeriodic(HEARTBEAT_INTERVAL.toMillis(), id -> heartbeat());
            }
        });
    }

    @Override
    public Adapter create(LocalNamespace namespace) {
        if (closed) {
            throw new IllegalStateException("The cluster adapter factory is closed");
        }
        ClusterAdapter adapter = new ClusterAdapter(namespace, this, requestsTimeout);
        ClusterAdapter previous = adapters.put(namespace.name(), adapter);
        if (previous != null) {
            previous.close();
        }
        adapter.init();
        return adapter;
    }

    /** The adapter of a namespace, or {@code null}. */
    public ClusterAdapter adapter(String namespace) {
        return adapters.get(namespace);
    }

    @Override
    public void observe(AdapterObserver observer) {
        this.observer = observer;
    }

    /** Tells {@code listener} how each request to the other nodes ended, and how long it took. */
    public void requestListener(ClusterRequestListener listener) {
        this.requestListener = listener;
    }

    ClusterRequestListener requestListener() {
        return requestListener;
    }

    /** This node's number. */
    public int node() {
        return link.self();
    }

    /** Closes every adapter (each tells the others with ADAPTER_CLOSE) and stops listening to the link. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ClusterAdapter adapter : adapters.values()) {
            adapter.close();
        }
        adapters.clear();
        long timer = heartbeatTimer;
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
        link.listener(null);
    }

    @Override
    public boolean keepsRecoveryElsewhere() {
        return recovery;
    }

    // ------------------------------------------------------------------ used by the adapters

    boolean recovery() {
        return recovery;
    }

    /** Sends a recovery message to the primary's store. */
    void sendRecovery(RecoveryMessage message) {
        if (link.isOpen()) {
            link.send(ClusterFrame.RELAY, RecoveryMessage.frame(message, link.self(), ClusterFrame.RELAY));
        }
    }

    /** Sends a recoverable broadcast to the primary, which numbers it and sends it to every node, this one included. */
    void sequence(ClusterMessage message) {
        byte[] body;
        try {
            body = codec.encode(message);
        } catch (IllegalArgumentException e) {
            LOG.errorf(e, "Cannot send a broadcast of namespace %s to the cluster", message.nsp());
            return;
        }
        sendRecovery(new RecoveryMessage.Sequence(body));
    }

    /**
     * Asks the primary for a session and the broadcasts after {@code offset}; {@code then} runs on this factory's
     * context, in the order of the frames from the primary, with {@code null} when the session cannot be recovered
     * or the primary did not answer within the requests timeout.
     */
    void restore(ClusterAdapter adapter, String key, long offset, Consumer<RestoredSession> then) {
        if (!link.isOpen()) {
            then.accept(null);
            return;
        }
        int id = restoreIds.incrementAndGet();
        PendingRestore pending = new PendingRestore(adapter, then);
        restores.put(id, pending);
        pending.timer = vertx.setTimer(requestsTimeout.toMillis(), t -> context.runOnContext(v -> {
            PendingRestore late = restores.remove(id);
            if (late != null) {
                LOG.debugf("The primary did not answer a session restore within %s", requestsTimeout);
                late.then.accept(null);
            }
        }));
        sendRecovery(new RecoveryMessage.Restore(id, offset, key));
    }

    /** A restore waiting for its answer. */
    private static final class PendingRestore {
        final ClusterAdapter adapter;
        final Consumer<RestoredSession> then;
        volatile long timer = -1;

        PendingRestore(ClusterAdapter adapter, Consumer<RestoredSession> then) {
            this.adapter = adapter;
            this.then = then;
        }
    }

    private void onRecoveryFrame(byte[] frame) {
        RecoveryMessage message = RecoveryMessage.decode(frame);
        if (message instanceof RecoveryMessage.Sequenced sequenced) {
            ClusterMessage broadcast = codec.decode(sequenced.message());
            ClusterAdapter adapter = adapters.get(broadcast.nsp());
            if (adapter != null) {
                adapter.onSequenced(broadcast, sequenced.offset(), sequenced.origin());
            }
        } else if (message instanceof RecoveryMessage.Restored restored) {
            PendingRestore pending = restores.remove(restored.requestId());
            if (pending == null) {
                return;
            }
            vertx.cancelTimer(pending.timer);
            pending.then.accept(restored.state() == null ? null : pending.adapter.restored(restored, codec));
        }
    }

    Vertx vertx() {
        return vertx;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    JsonArgs json() {
        return json;
    }

    void removed(ClusterAdapter adapter) {
        adapters.remove(adapter.namespaceName(), adapter);
    }

    /** Sends a message to every other node. */
    void publish(ClusterMessage message) {
        if (!link.isOpen()) {
            return;
        }
        byte[] frame;
        try {
            frame = ClusterFrame.encode(ClusterFrame.Kind.ADAPTER, link.self(), ClusterFrame.ALL, codec.encode(message));
        } catch (IllegalArgumentException e) {
            LOG.errorf(e, "Cannot send %s message of namespace %s to the cluster", message.type(), message.nsp());
            return;
        }
        link.publish(frame);
    }

    /** Sends a message to one node. */
    void send(int node, ClusterMessage message) {
        if (!link.isOpen()) {
            return;
        }
        byte[] frame;
        try {
            frame = ClusterFrame.encode(ClusterFrame.Kind.ADAPTER, link.self(), node, codec.encode(message));
        } catch (IllegalArgumentException e) {
            LOG.errorf(e, "Cannot send %s message of namespace %s to node %d", message.type(), message.nsp(), node);
            return;
        }
        link.send(node, frame);
    }

    // ------------------------------------------------------------------ ClusterLink.Listener

    @Override
    public void onFrame(byte[] frame) {
        context.runOnContext(v -> handle(frame));
    }

    @Override
    public void onNodeJoined(int node) {
        context.runOnContext(v -> {
            deadNodes.remove(node);
            for (ClusterAdapter adapter : adapters.values()) {
                adapter.onNodeJoined(node);
            }
        });
    }

    @Override
    public void onNodeLeft(int node) {
        context.runOnContext(v -> {
            deadNodes.add(node);
            for (ClusterAdapter adapter : adapters.values()) {
                adapter.onNodeLeft(node);
            }
        });
    }

    private void handle(byte[] frame) {
        if (closed) {
            return;
        }
        ClusterMessage message;
        int source;
        try {
            ClusterFrame.Header header = ClusterFrame.header(frame);
            source = header.source();
            if (header.kind() == ClusterFrame.Kind.RECOVERY && source == ClusterFrame.RELAY) {
                onRecoveryFrame(frame);
                return;
            }
            if (deadNodes.contains(source) || header.kind() != ClusterFrame.Kind.ADAPTER) {
                return;
            }
            message = codec.decode(frame, ClusterFrame.BODY_OFFSET, header.bodyLength());
        } catch (ClusterProtocolException e) {
            LOG.warnf("Dropped a bad cluster frame: %s", e.getMessage());
            return;
        }
        observer.remoteMessage("node " + source, message.type().name(), message.nsp());
        ClusterAdapter adapter = adapters.get(message.nsp());
        if (adapter == null) {
            LOG.tracef("Dropped a %s message for namespace %s, which this server does not have", message.type(),
                    message.nsp());
            return;
        }
        try {
            adapter.onMessage(message, source);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Failed to apply a %s message of namespace %s from node %d", message.type(), message.nsp(),
                    source);
        }
    }

    private void heartbeat() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        for (ClusterAdapter adapter : adapters.values()) {
            adapter.heartbeat(now, HEARTBEAT_TIMEOUT.toNanos());
        }
    }
}
