package io.quarkiverse.socketio.runtime.server;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.quarkiverse.socketio.AckTimeoutException;
import io.quarkiverse.socketio.BroadcastOperator;
import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace.LocalSocket;
import io.quarkiverse.socketio.runtime.engine.RandomIds;
import io.quarkiverse.socketio.runtime.parser.OutboundPacket;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;
import io.quarkiverse.socketio.runtime.recovery.SessionState;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * A client's socket in one namespace of this server.
 */
final class SocketImpl implements SocketIOSocket, LocalSocket {

    /** The disconnect reasons after which the client may recover its session (Node's list). */
    private static final Set<DisconnectReason> RECOVERABLE = EnumSet.of(DisconnectReason.TRANSPORT_ERROR,
            DisconnectReason.TRANSPORT_CLOSE, DisconnectReason.FORCED_CLOSE, DisconnectReason.PING_TIMEOUT,
            DisconnectReason.SERVER_SHUTTING_DOWN, DisconnectReason.FORCED_SERVER_CLOSE);

    private final String id;
    /** the private session id, or null when connection state recovery is off */
    private final String pid;
    private final boolean recovered;
    private final NamespaceImpl namespace;
    private final ClientConnection client;
    private final Handshake handshake;
    private final Map<String, Object> data = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<SocketIOEvent>>> eventHandlers = new ConcurrentHashMap<>();
    private final List<Consumer<SocketIOEvent>> anyHandlers = new CopyOnWriteArrayList<>();
    private final List<Consumer<DisconnectReason>> disconnectingHandlers = new CopyOnWriteArrayList<>();
    private final List<Consumer<DisconnectReason>> disconnectHandlers = new CopyOnWriteArrayList<>();
    /** ack id -> what to do with the client's acknowledgement */
    private final Map<Long, Consumer<ArrayNode>> pendingAcks = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean connected;

    /** A new socket; with a private session id when connection state recovery is on. */
    SocketImpl(NamespaceImpl namespace, ClientConnection client, Handshake handshake, boolean withPid) {
        this.id = RandomIds.next();
        this.pid = withPid ? RandomIds.next() : null;
        this.recovered = false;
        this.namespace = namespace;
        this.client = client;
        this.handshake = handshake;
    }

    /** A socket recovered from its session: same id, private id and data. */
    SocketImpl(NamespaceImpl namespace, ClientConnection client, Handshake handshake, SessionState session) {
        this.id = session.sid();
        this.pid = session.pid();
        this.recovered = true;
        this.namespace = namespace;
        this.client = client;
        this.handshake = handshake;
        this.data.putAll(session.data());
    }

    /** The private session id the client presents to recover, or {@code null} when recovery is off. */
    String pid() {
        return pid;
    }

    @Override
    public boolean recovered() {
        return recovered;
    }

    @Override
    public SessionState session() {
        if (pid == null) {
            return null;
        }
        Set<String> rooms = namespace.adapter().socketRooms(id);
        Map<String, Object> copy = new LinkedHashMap<>(data);
        return new SessionState(namespace.name(), id, pid, rooms.isEmpty() ? Set.of(id) : rooms, copy);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public SocketIONamespace namespace() {
        return namespace;
    }

    @Override
    public Handshake handshake() {
        return handshake;
    }

    @Override
    public String transport() {
        return client.transport();
    }

    @Override
    public boolean connected() {
        return connected;
    }

    void markConnected() {
        connected = true;
    }

    /** The id of the client's Engine.IO session. */
    String clientId() {
        return client.id();
    }

    @Override
    public Map<String, Object> data() {
        return data;
    }

    @Override
    public Set<String> rooms() {
        return namespace.adapter().socketRooms(id);
    }

    @Override
    public void join(String... rooms) {
        // in the order given (rooms created in that order: Redis subscriptions too), duplicates once
        namespace.adapter().addAll(id, new LinkedHashSet<>(Arrays.asList(rooms)));
        for (String room : rooms) {
            namespace.observer().joined(this, room);
        }
    }

    @Override
    public void leave(String room) {
        namespace.adapter().del(id, room);
        namespace.observer().left(this, room);
    }

    @Override
    public void write(OutboundPacket packet, boolean volatile_) {
        client.write(packet, volatile_);
    }

    @Override
    public void deliver(OutboundPacket packet, boolean volatile_) {
        client.deliver(packet, volatile_);
    }

    @Override
    public boolean writable() {
        return client.writable();
    }

    @Override
    public void emit(String event, Object... args) {
        ArrayNode data = namespace.json().eventData(event, args);
        write(namespace.encode(SocketIOPacket.event(namespace.name(), data, -1)), false);
        ServerObserver observer = namespace.observer();
        if (observer != ServerObserver.NONE) {
            observer.sent(this, data);
        }
    }

    @Override
    public Uni<List<JsonNode>> emitWithAck(String event, Object... args) {
        return emitWithAck(null, event, args);
    }

    @Override
    public Uni<List<JsonNode>> emitWithAck(Duration timeout, String event, Object... args) {
        ArrayNode eventData = namespace.json().eventData(event, args);
        return Uni.createFrom().emitter(emitter -> {
            long ackId = namespace.nextAckId();
            Long timer = timeout == null ? null
                    : namespace.vertx().setTimer(timeout.toMillis(), t -> {
                        if (pendingAcks.remove(ackId) != null) {
                            emitter.fail(new AckTimeoutException(
                                    "The client did not acknowledge " + event + " within " + timeout, List.of()));
                        }
                    });
            emitter.onTermination(() -> {
                pendingAcks.remove(ackId);
                if (timer != null) {
                    namespace.vertx().cancelTimer(timer);
                }
            });
            expectAck(ackId, new AckToEmitter(emitter));
            write(namespace.encode(SocketIOPacket.event(namespace.name(), eventData, ackId)), false);
        });
    }

    /** Completes an emitter with every argument of the acknowledgement. */
    private record AckToEmitter(UniEmitter<? super List<JsonNode>> emitter) implements Consumer<ArrayNode> {
        @Override
        public void accept(ArrayNode args) {
            List<JsonNode> values = new java.util.ArrayList<>(args.size());
            args.forEach(values::add);
            emitter.complete(Collections.unmodifiableList(values));
        }
    }

    @Override
    public void expectAck(long ackId, Consumer<ArrayNode> ack) {
        if (connected) {
            pendingAcks.put(ackId, ack);
        }
    }

    @Override
    public BroadcastOperator to(String... rooms) {
        return broadcast().to(rooms);
    }

    @Override
    public BroadcastOperator broadcast() {
        return new Broadcast(() -> List.of(namespace), BroadcastOptions.ALL).except(id);
    }

    @Override
    public SocketIOSocket on(String event, Consumer<SocketIOEvent> handler) {
        eventHandlers.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()).add(handler);
        return this;
    }

    @Override
    public SocketIOSocket onAny(Consumer<SocketIOEvent> handler) {
        anyHandlers.add(handler);
        return this;
    }

    @Override
    public SocketIOSocket onDisconnecting(Consumer<DisconnectReason> handler) {
        disconnectingHandlers.add(handler);
        return this;
    }

    @Override
    public SocketIOSocket onDisconnect(Consumer<DisconnectReason> handler) {
        disconnectHandlers.add(handler);
        return this;
    }

    @Override
    public void disconnect(boolean close) {
        if (!connected) {
            return;
        }
        if (close) {
            client.disconnectAll();
        } else {
            client.runOnContext(() -> {
                if (connected) {
                    write(namespace.encode(SocketIOPacket.disconnect(namespace.name())), false);
                    onClose(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
                }
            });
        }
    }

    /** A packet from the client for this namespace (not CONNECT). Runs on the client's context. */
    void onPacket(SocketIOPacket packet) {
        switch (packet.type()) {
            case EVENT -> dispatch(packet);
            case ACK -> {
                Consumer<ArrayNode> ack = pendingAcks.remove(packet.ackId());
                if (ack != null) {
                    ack.accept((ArrayNode) packet.data());
                }
            }
            case DISCONNECT -> onClose(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
            default -> throw new IllegalStateException("Unexpected packet " + packet.type());
        }
    }

    private void dispatch(SocketIOPacket packet) {
        long ackId = packet.ackId();
        Consumer<ArrayNode> ack = ackId < 0 ? null
                : args -> write(namespace.encode(SocketIOPacket.ack(namespace.name(), args, ackId)), false);
        ReceivedEvent event = new ReceivedEvent((ArrayNode) packet.data(), namespace.json(), this, ack);
        ServerObserver observer = namespace.observer();
        if (observer != ServerObserver.NONE) {
            observer.received(this, (ArrayNode) packet.data());
        }
        for (Consumer<SocketIOEvent> handler : anyHandlers) {
            namespace.runHandler(handler, event, "catch-all");
        }
        List<Consumer<SocketIOEvent>> handlers = eventHandlers.get(event.name());
        if (handlers != null) {
            for (Consumer<SocketIOEvent> handler : handlers) {
                namespace.runHandler(handler, event, "event " + event.name());
            }
        }
    }

    /**
     * Leaves the namespace: {@code disconnecting} handlers while the rooms are still set, then the rooms are left and
     * the {@code disconnect} handlers run. Runs on the client's context, once.
     */
    void onClose(DisconnectReason reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Consumer<DisconnectReason> handler : disconnectingHandlers) {
            namespace.runHandler(handler, reason, "disconnecting");
        }
        if (pid != null) {
            // while the rooms are still set
            if (RECOVERABLE.contains(reason)) {
                namespace.adapter().persistSession(session());
            } else {
                namespace.adapter().discardSession(session());
            }
        }
        namespace.adapter().delAll(id);
        namespace.remove(this);
        client.removed(this);
        connected = false;
        for (Consumer<ArrayNode> ack : pendingAcks.values()) {
            if (ack instanceof AckToEmitter waiting) {
                waiting.emitter().fail(new IllegalStateException(
                        "The socket disconnected (" + reason + ") before it acknowledged"));
            }
        }
        pendingAcks.clear();
        for (Consumer<DisconnectReason> handler : disconnectHandlers) {
            namespace.runHandler(handler, reason, "disconnect");
        }
        namespace.observer().disconnected(this, reason);
    }

    @Override
    public RemoteSocket snapshot() {
        return new SocketSnapshot(id, handshake, Set.copyOf(rooms()), Collections.unmodifiableMap(new LinkedHashMap<>(data)),
                namespace);
    }
}
