package io.quarkiverse.socketio.runtime.adapter.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;

import io.quarkiverse.socketio.AckTimeoutException;
import io.quarkiverse.socketio.ClusterTimeoutException;
import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions;
import io.quarkiverse.socketio.runtime.adapter.InMemoryAdapter;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace.LocalSocket;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Broadcast;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.BroadcastAck;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.BroadcastClientCount;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.DisconnectSockets;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.FetchSockets;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.FetchSocketsResponse;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Rooms;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.ServerSideEmit;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.ServerSideEmitResponse;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.SocketDetails;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Type;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessageCodec;
import io.quarkiverse.socketio.runtime.cluster.wire.RecoveryMessage;
import io.quarkiverse.socketio.runtime.parser.OutboundPacket;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;
import io.quarkiverse.socketio.runtime.recovery.Offsets;
import io.quarkiverse.socketio.runtime.recovery.RestoredSession;
import io.quarkiverse.socketio.runtime.recovery.SessionState;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The adapter of one namespace on a node of a cluster: the in-memory adapter for the local sockets, plus the
 * socket.io-adapter {@code ClusterAdapter} messages to reach the sockets and handlers of the same namespace on the
 * other nodes (see {@link ClusterMessage}).
 * <ul>
 * <li>Broadcasts and room operations are applied locally and published, unless the {@code local} flag is set.</li>
 * <li>The remote adapters of the namespace are learnt from their messages (INITIAL_HEARTBEAT on start, HEARTBEAT
 * every 5 s, ADAPTER_CLOSE on close): {@link #serverCount()} is 1 + their number. A node the link reports gone is
 * forgotten at once, with every adapter it had.</li>
 * <li>Requests (fetchSockets, serverSideEmitWithAck, broadcast with acknowledgements) wait for the remote adapters
 * known when they start, and complete as soon as each answered or is known gone: a dead node is never waited for.
 * </li>
 * <li>Timeouts follow Node.js: fetchSockets fails with {@link ClusterTimeoutException} after the operator's timeout,
 * or {@code requestsTimeout} (5 s by default), when a live node did not answer (Node.js rejects the promise);
 * serverSideEmitWithAck fails after {@code requestsTimeout} with {@link AckTimeoutException} carrying the answers
 * received (Node.js calls back with an error and the partial responses); a broadcast with acknowledgements fails at
 * the operator's timeout with the acknowledgements received (see the server's broadcast operator).</li>
 * </ul>
 * Messages from other nodes are applied on the factory's context; the local operations may be called from any thread.
 * Uni results complete on the Vert.x context that subscribed, when there was one.
 */
public class ClusterAdapter extends InMemoryAdapter {

    private static final Logger LOG = Logger.getLogger(ClusterAdapter.class);

    private final ClusterAdapterFactory cluster;
    private final Duration requestsTimeout;
    private final String uid = randomId();
    /** uid of each remote adapter of this namespace -> where it is */
    private final Map<String, Remote> remotes = new ConcurrentHashMap<>();
    private final Map<String, Request<?>> requests = new ConcurrentHashMap<>();
    private final Map<String, AckRequest> ackRequests = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ClusterAdapter(LocalNamespace namespace, ClusterAdapterFactory cluster, Duration requestsTimeout) {
        super(namespace);
        this.cluster = cluster;
        this.requestsTimeout = requestsTimeout;
    }

    /** This adapter's id in the cluster. */
    public String uid() {
        return uid;
    }

    /** The nodes where this namespace has an adapter, this one excluded. */
    public Set<Integer> remoteNodes() {
        Set<Integer> nodes = new HashSet<>();
        remotes.values().forEach(r -> nodes.add(r.node));
        return nodes;
    }

    String namespaceName() {
        return namespace.name();
    }

    /** Announces the adapter: the others answer with a heartbeat. */
    void init() {
        publish(Type.INITIAL_HEARTBEAT, null);
    }

    // ------------------------------------------------------------------ local operations, published

    /**
     * {@inheritDoc}
     * <p>
     * With connection state recovery on, a recoverable broadcast is not delivered here first: it goes to the
     * primary, which numbers it, keeps it and sends it to every node, this one included (see {@link #onSequenced}).
     */
    @Override
    public void broadcast(SocketIOPacket packet, BroadcastOptions options) {
        if (cluster.recovery() && isRecoverable(packet, options)) {
            cluster.sequence(new ClusterMessage(Type.BROADCAST, uid, namespace.name(),
                    new Broadcast(options, packet, null)));
            return;
        }
        if (!options.flags().local()) {
            publish(Type.BROADCAST, new Broadcast(options, packet, null));
        }
        deliver(packet, options);
    }

    /** A broadcast the primary numbered: delivered with its offset (a local one only on the node that sent it). */
    void onSequenced(ClusterMessage message, long offset, int origin) {
        if (closed || message.type() != Type.BROADCAST) {
            return;
        }
        Broadcast broadcast = (Broadcast) message.data();
        if (broadcast.opts().flags().local() && origin != cluster.node()) {
            return;
        }
        deliver(withOffset(broadcast.packet(), offset), broadcast.opts());
    }

    // ------------------------------------------------------------------ connection state recovery

    @Override
    public void addAll(String socketId, Set<String> rooms) {
        super.addAll(socketId, rooms);
        sessionChanged(socketId);
    }

    @Override
    public void del(String socketId, String room) {
        super.del(socketId, room);
        sessionChanged(socketId);
    }

    /** The primary keeps the session of a local socket up to date, so it outlives this worker. */
    private void sessionChanged(String socketId) {
        if (!cluster.recovery()) {
            return;
        }
        LocalSocket socket = namespace.socket(socketId);
        SessionState session = socket == null ? null : socket.session();
        if (session != null) {
            sessionUpdated(session);
        }
    }

    @Override
    public void sessionUpdated(SessionState session) {
        byte[] state = stateBytes(session);
        if (state != null) {
            cluster.sendRecovery(new RecoveryMessage.Connected(session.key(), state));
        }
    }

    @Override
    public void persistSession(SessionState session) {
        byte[] state = stateBytes(session);
        cluster.sendRecovery(new RecoveryMessage.Disconnected(session.key(), state == null ? new byte[0] : state));
    }

    @Override
    public void discardSession(SessionState session) {
        cluster.sendRecovery(new RecoveryMessage.Discard(session.key()));
    }

    @Override
    public void restoreSession(String pid, String offsetText, Consumer<RestoredSession> then) {
        long offset = Offsets.parse(offsetText);
        if (offset < 0) {
            then.accept(null);
            return;
        }
        cluster.restore(this, SessionState.key(namespace.name(), pid), offset, then);
    }

    /** The primary's answer: the session, and the missed broadcasts of this namespace that reach its rooms. */
    RestoredSession restored(RecoveryMessage.Restored restored, ClusterMessageCodec codec) {
        SessionState session;
        try {
            session = SessionState.fromJson(cluster.mapper(), restored.state());
        } catch (IOException e) {
            LOG.warnf("A session kept by the primary cannot be read: %s", e.getMessage());
            return null;
        }
        List<OutboundPacket> missed = new ArrayList<>();
        for (RecoveryMessage.Missed packet : restored.missed()) {
            ClusterMessage message = codec.decode(packet.message());
            if (message.type() == Type.BROADCAST && message.nsp().equals(namespace.name())) {
                Broadcast broadcast = (Broadcast) message.data();
                if (broadcast.opts().selects(session.rooms())) {
                    missed.add(namespace.encode(withOffset(broadcast.packet(), packet.offset())));
                }
            }
        }
        return new RestoredSession(session, missed);
    }

    private byte[] stateBytes(SessionState session) {
        try {
            return session.toJson(cluster.mapper());
        } catch (IllegalArgumentException e) {
            LOG.warnf("Socket %s cannot be recovered: %s", session.sid(), e.getMessage());
            return null;
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * {@code clientCount} is called once, with the total of every node: the local count and each remote node's
     * BROADCAST_CLIENT_COUNT (0 for a node that left before it answered). The acknowledgements of every node go to
     * {@code ack} as they arrive.
     */
    @Override
    public void broadcastWithAck(SocketIOPacket packet, BroadcastOptions options, IntConsumer clientCount,
            Consumer<JsonNode> ack) {
        if (options.flags().local() || remotes.isEmpty()) {
            super.broadcastWithAck(packet, options, clientCount, ack);
            return;
        }
        String requestId = randomId();
        AckRequest request = new AckRequest(requestId, remotes.keySet(), clientCount, ack);
        ackRequests.put(requestId, request);
        // a node gone between the snapshot and the registration is not waited for
        request.retain(remotes.keySet());
        publish(Type.BROADCAST, new Broadcast(options, packet, requestId));
        Duration timeout = options.flags().timeout() != null ? options.flags().timeout() : requestsTimeout;
        // the caller fails its own emitWithAck at the timeout; this only forgets the request
        cluster.vertx().setTimer(Math.max(1, timeout.toMillis()), t -> ackRequests.remove(requestId));
        super.broadcastWithAck(packet, options, request::local, ack);
    }

    @Override
    public void addSockets(BroadcastOptions options, Set<String> rooms) {
        if (!options.flags().local()) {
            publish(Type.SOCKETS_JOIN, new Rooms(options, rooms));
        }
        super.addSockets(options, rooms);
    }

    @Override
    public void delSockets(BroadcastOptions options, Set<String> rooms) {
        if (!options.flags().local()) {
            publish(Type.SOCKETS_LEAVE, new Rooms(options, rooms));
        }
        super.delSockets(options, rooms);
    }

    @Override
    public void disconnectSockets(BroadcastOptions options, boolean close) {
        if (!options.flags().local()) {
            publish(Type.DISCONNECT_SOCKETS, new DisconnectSockets(options, close));
        }
        super.disconnectSockets(options, close);
    }

    @Override
    public Uni<List<RemoteSocket>> fetchSockets(BroadcastOptions options) {
        return Uni.createFrom().emitter(emitter -> {
            List<RemoteSocket> local = new ArrayList<>();
            for (LocalSocket socket : localTargets(options)) {
                local.add(socket.snapshot());
            }
            if (options.flags().local() || remotes.isEmpty()) {
                emitter.complete(local);
                return;
            }
            Duration timeout = options.flags().timeout() != null ? options.flags().timeout() : requestsTimeout;
            String requestId = randomId();
            Context caller = Vertx.currentContext();
            Request<RemoteSocket> request = new Request<>(requestId, Type.FETCH_SOCKETS, local,
                    all -> completeOn(caller, emitter, all),
                    (missing, partial) -> failOn(caller, emitter, new ClusterTimeoutException(
                            "fetchSockets: " + missing + " server(s) of the cluster did not answer within " + timeout,
                            missing)));
            start(request, timeout, emitter);
            publish(Type.FETCH_SOCKETS, new FetchSockets(options, requestId));
        });
    }

    @Override
    public void serverSideEmit(ArrayNode eventAndArgs) {
        publish(Type.SERVER_SIDE_EMIT, new ServerSideEmit(eventAndArgs, null));
    }

    @Override
    public Uni<List<JsonNode>> serverSideEmitWithAck(ArrayNode eventAndArgs) {
        return Uni.createFrom().emitter(emitter -> {
            if (remotes.isEmpty()) {
                emitter.complete(List.of());
                return;
            }
            String requestId = randomId();
            Context caller = Vertx.currentContext();
            String event = eventAndArgs.isEmpty() ? "?" : eventAndArgs.get(0).asText();
            Request<JsonNode> request = new Request<>(requestId, Type.SERVER_SIDE_EMIT, List.of(),
                    all -> completeOn(caller, emitter, all),
                    (missing, partial) -> failOn(caller, emitter, new AckTimeoutException(
                            "serverSideEmit " + event + ": " + missing + " server(s) did not acknowledge within "
                                    + requestsTimeout,
                            partial)));
            start(request, requestsTimeout, emitter);
            publish(Type.SERVER_SIDE_EMIT, new ServerSideEmit(eventAndArgs, requestId));
        });
    }

    @Override
    public Uni<Integer> serverCount() {
        return Uni.createFrom().item(() -> 1 + remotes.size());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        publish(Type.ADAPTER_CLOSE, null);
        cluster.removed(this);
        super.close();
    }

    private <T> void start(Request<T> request, Duration timeout, UniEmitter<?> emitter) {
        requests.put(request.id, request);
        long timer = cluster.vertx().setTimer(Math.max(1, timeout.toMillis()), t -> request.timeOut());
        request.timer(timer);
        emitter.onTermination(() -> {
            requests.remove(request.id, request);
            cluster.vertx().cancelTimer(timer);
        });
        // a node gone between the snapshot and the registration is not waited for
        request.retain(remotes.keySet());
    }

    // ------------------------------------------------------------------ messages from the other nodes

    /** Applies a message from another node; runs on the factory's context. */
    @SuppressWarnings("unchecked")
    void onMessage(ClusterMessage message, int sourceNode) {
        if (message.uid().equals(uid) || closed) {
            return;
        }
        if (message.type() == Type.ADAPTER_CLOSE) {
            forget(message.uid());
            return;
        }
        Remote remote = remotes.get(message.uid());
        if (remote == null || remote.node != sourceNode) {
            remotes.put(message.uid(), new Remote(sourceNode, System.nanoTime()));
        } else {
            remote.lastSeen = System.nanoTime();
        }
        switch (message.type()) {
            case INITIAL_HEARTBEAT -> cluster.send(sourceNode, signal(Type.HEARTBEAT));
            case HEARTBEAT -> {
            }
            case BROADCAST -> onBroadcast((Broadcast) message.data(), sourceNode);
            case SOCKETS_JOIN -> {
                Rooms rooms = (Rooms) message.data();
                super.addSockets(rooms.opts(), rooms.rooms());
            }
            case SOCKETS_LEAVE -> {
                Rooms rooms = (Rooms) message.data();
                super.delSockets(rooms.opts(), rooms.rooms());
            }
            case DISCONNECT_SOCKETS -> {
                DisconnectSockets d = (DisconnectSockets) message.data();
                super.disconnectSockets(d.opts(), d.close());
            }
            case FETCH_SOCKETS -> onFetchSockets((FetchSockets) message.data(), sourceNode);
            case SERVER_SIDE_EMIT -> onServerSideEmit((ServerSideEmit) message.data(), sourceNode);
            case FETCH_SOCKETS_RESPONSE -> {
                FetchSocketsResponse response = (FetchSocketsResponse) message.data();
                Request<?> request = requests.get(response.requestId());
                if (request != null && request.type == Type.FETCH_SOCKETS) {
                    List<RemoteSocket> sockets = new ArrayList<>(response.sockets().size());
                    for (SocketDetails details : response.sockets()) {
                        sockets.add(details.toRemoteSocket(namespace));
                    }
                    ((Request<RemoteSocket>) request).respond(message.uid(), sockets);
                }
            }
            case SERVER_SIDE_EMIT_RESPONSE -> {
                ServerSideEmitResponse response = (ServerSideEmitResponse) message.data();
                Request<?> request = requests.get(response.requestId());
                if (request != null && request.type == Type.SERVER_SIDE_EMIT) {
                    JsonNode answer = response.packet() == null ? NullNode.getInstance() : response.packet();
                    ((Request<JsonNode>) request).respond(message.uid(), List.of(answer));
                }
            }
            case BROADCAST_CLIENT_COUNT -> {
                BroadcastClientCount count = (BroadcastClientCount) message.data();
                AckRequest request = ackRequests.get(count.requestId());
                if (request != null) {
                    request.remote(message.uid(), count.clientCount());
                }
            }
            case BROADCAST_ACK -> {
                BroadcastAck ack = (BroadcastAck) message.data();
                AckRequest request = ackRequests.get(ack.requestId());
                if (request != null) {
                    request.ack.accept(ack.packet());
                }
            }
            default -> LOG.debugf("Ignored cluster message %s", message.type());
        }
    }

    private void onBroadcast(Broadcast broadcast, int sourceNode) {
        if (broadcast.requestId() == null) {
            deliver(broadcast.packet(), broadcast.opts());
            return;
        }
        // Ack ids are per server: give the packet one of ours, so it cannot collide with this server's own.
        SocketIOPacket sent = broadcast.packet();
        SocketIOPacket packet = new SocketIOPacket(sent.type(), sent.namespace(), namespace.nextAckId(), sent.data());
        String requestId = broadcast.requestId();
        super.broadcastWithAck(packet, broadcast.opts(),
                count -> cluster.send(sourceNode,
                        response(Type.BROADCAST_CLIENT_COUNT, new BroadcastClientCount(requestId, count))),
                arg -> cluster.send(sourceNode, response(Type.BROADCAST_ACK, new BroadcastAck(requestId, arg))));
    }

    private void onFetchSockets(FetchSockets fetch, int sourceNode) {
        List<SocketDetails> sockets = new ArrayList<>();
        for (LocalSocket socket : localTargets(fetch.opts())) {
            sockets.add(SocketDetails.of(socket, namespace));
        }
        cluster.send(sourceNode,
                response(Type.FETCH_SOCKETS_RESPONSE, new FetchSocketsResponse(fetch.requestId(), sockets)));
    }

    private void onServerSideEmit(ServerSideEmit emit, int sourceNode) {
        if (emit.requestId() == null) {
            namespace.onServerSideEmit(emit.packet(), null);
            return;
        }
        String requestId = emit.requestId();
        AtomicBoolean answered = new AtomicBoolean();
        namespace.onServerSideEmit(emit.packet(), args -> {
            if (answered.compareAndSet(false, true)) {
                JsonNode first = args == null || args.isEmpty() ? null : args.get(0);
                cluster.send(sourceNode,
                        response(Type.SERVER_SIDE_EMIT_RESPONSE, new ServerSideEmitResponse(requestId, first)));
            }
        });
    }

    /** A node joined: introduce this adapter, so it answers with its own heartbeat. */
    void onNodeJoined(int node) {
        if (!closed) {
            cluster.send(node, signal(Type.INITIAL_HEARTBEAT));
        }
    }

    /** A node left: forget its adapters, and stop waiting for them. */
    void onNodeLeft(int node) {
        for (Map.Entry<String, Remote> entry : Map.copyOf(remotes).entrySet()) {
            if (entry.getValue().node == node) {
                forget(entry.getKey());
            }
        }
    }

    /** Sends this adapter's heartbeat, and forgets the remote adapters silent for too long. */
    void heartbeat(long now, long timeoutNanos) {
        if (closed) {
            return;
        }
        publish(Type.HEARTBEAT, null);
        for (Map.Entry<String, Remote> entry : Map.copyOf(remotes).entrySet()) {
            if (now - entry.getValue().lastSeen > timeoutNanos) {
                LOG.debugf("Adapter %s of namespace %s on node %d is silent; forgetting it", entry.getKey(),
                        namespace.name(), entry.getValue().node);
                forget(entry.getKey());
            }
        }
    }

    private void forget(String remoteUid) {
        remotes.remove(remoteUid);
        for (Request<?> request : requests.values()) {
            request.forget(remoteUid);
        }
        for (AckRequest request : ackRequests.values()) {
            request.forget(remoteUid);
        }
    }

    // ------------------------------------------------------------------ helpers

    private void publish(Type type, ClusterMessage.Payload data) {
        cluster.publish(new ClusterMessage(type, uid, namespace.name(), data));
    }

    private ClusterMessage signal(Type type) {
        return ClusterMessage.signal(type, uid, namespace.name());
    }

    private ClusterMessage response(Type type, ClusterMessage.Payload data) {
        return new ClusterMessage(type, uid, namespace.name(), data);
    }

    private static String randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("%016x", random.nextLong());
    }

    /** A remote adapter of this namespace: its node, and when it was last heard (nanoTime). */
    private static final class Remote {
        final int node;
        volatile long lastSeen;

        Remote(int node, long lastSeen) {
            this.node = node;
            this.lastSeen = lastSeen;
        }
    }

    /** What a request does when it times out: the number of missing answers and the answers received. */
    @FunctionalInterface
    private interface TimeoutHandler<T> {
        void timedOut(int missing, List<T> partial);
    }

    /** A request waiting for the remote adapters known when it started. */
    private final class Request<T> {
        final String id;
        final Type type;
        private final Set<String> missing;
        private final List<T> results;
        private final Consumer<List<T>> onComplete;
        private final TimeoutHandler<T> onTimeout;
        private final long started = System.nanoTime();
        private long timer = -1;
        private boolean done;

        Request(String id, Type type, List<T> initial, Consumer<List<T>> onComplete, TimeoutHandler<T> onTimeout) {
            this.id = id;
            this.type = type;
            this.missing = new HashSet<>(remotes.keySet());
            this.results = new ArrayList<>(initial);
            this.onComplete = onComplete;
            this.onTimeout = onTimeout;
        }

        synchronized void timer(long timer) {
            this.timer = timer;
        }

        void respond(String from, List<T> answers) {
            List<T> complete;
            synchronized (this) {
                if (done || !missing.remove(from)) {
                    return;
                }
                results.addAll(answers);
                complete = finishIfComplete();
            }
            deliver(complete);
        }

        void forget(String remoteUid) {
            List<T> complete;
            synchronized (this) {
                if (done || !missing.remove(remoteUid)) {
                    return;
                }
                complete = finishIfComplete();
            }
            deliver(complete);
        }

        void retain(Set<String> live) {
            List<T> complete;
            synchronized (this) {
                if (done) {
                    return;
                }
                missing.retainAll(live);
                complete = finishIfComplete();
            }
            deliver(complete);
        }

        void timeOut() {
            int missingCount;
            List<T> partial;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                missingCount = missing.size();
                partial = List.copyOf(results);
            }
            requests.remove(id, this);
            cluster.requestListener().requestEnded(type, System.nanoTime() - started, true);
            onTimeout.timedOut(missingCount, partial);
        }

        /** Under the lock: the results when the request just completed, else null. */
        private List<T> finishIfComplete() {
            if (!missing.isEmpty()) {
                return null;
            }
            done = true;
            if (timer != -1) {
                cluster.vertx().cancelTimer(timer);
            }
            return List.copyOf(results);
        }

        private void deliver(List<T> complete) {
            if (complete != null) {
                requests.remove(id, this);
                cluster.requestListener().requestEnded(type, System.nanoTime() - started, false);
                onComplete.accept(complete);
            }
        }
    }

    /**
     * A broadcast with acknowledgements: sums the client counts of this node and of each remote node, and reports the
     * total once every node counted (or left).
     */
    private final class AckRequest {
        final String id;
        final Consumer<JsonNode> ack;
        private final IntConsumer clientCount;
        private final Set<String> missing;
        private boolean localCounted;
        private int total;
        private boolean reported;

        AckRequest(String id, Set<String> remoteUids, IntConsumer clientCount, Consumer<JsonNode> ack) {
            this.id = id;
            this.missing = new HashSet<>(remoteUids);
            this.clientCount = clientCount;
            this.ack = ack;
        }

        void local(int count) {
            int report;
            synchronized (this) {
                localCounted = true;
                total += count;
                report = reportIfComplete();
            }
            report(report);
        }

        void remote(String from, int count) {
            int report;
            synchronized (this) {
                if (!missing.remove(from)) {
                    return;
                }
                total += count;
                report = reportIfComplete();
            }
            report(report);
        }

        void forget(String remoteUid) {
            int report;
            synchronized (this) {
                if (!missing.remove(remoteUid)) {
                    return;
                }
                report = reportIfComplete();
            }
            report(report);
        }

        void retain(Set<String> live) {
            int report;
            synchronized (this) {
                missing.retainAll(live);
                report = reportIfComplete();
            }
            report(report);
        }

        private int reportIfComplete() {
            if (reported || !localCounted || !missing.isEmpty()) {
                return -1;
            }
            reported = true;
            return total;
        }

        private void report(int count) {
            if (count >= 0) {
                clientCount.accept(count);
            }
        }
    }
}
