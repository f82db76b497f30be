package io.quarkiverse.socketio.runtime.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkiverse.socketio.BroadcastOperator;
import io.quarkiverse.socketio.ConnectionRejectedException;
import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIOMiddleware;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.adapter.Adapter;
import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace.LocalBroadcast;
import io.quarkiverse.socketio.runtime.parser.OutboundPacket;
import io.quarkiverse.socketio.runtime.parser.PacketType;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;
import io.quarkiverse.socketio.runtime.recovery.RecoveryOptions;
import io.quarkiverse.socketio.runtime.recovery.RecoveryStore;
import io.quarkiverse.socketio.runtime.recovery.SessionState;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * One namespace of this server: its local sockets, its handlers, and the adapter that keeps its rooms.
 */
final class NamespaceImpl extends HandlerRegistry implements LocalNamespace {

    private static final Logger LOG = Logger.getLogger(NamespaceImpl.class);
    private static final TypeReference<LinkedHashMap<String, Object>> LINKED_MAP = new TypeReference<>() {
    };

    private final String name;
    private final SocketIOServerImpl server;
    /** The group this namespace was created for, or {@code null} for a namespace created by name. */
    private final NamespaceHandlers group;
    private final Map<String, SocketImpl> sockets = new ConcurrentHashMap<>();
    private final AtomicLong ackIds = new AtomicLong();
    private final Adapter adapter;
    private final Broadcast all;

    /**
     * @param handlers what is registered on this namespace by name
     * @param group what is registered on the group this namespace was created for, or {@code null}
     */
    NamespaceImpl(String name, SocketIOServerImpl server, NamespaceHandlers handlers, NamespaceHandlers group) {
        super(handlers);
        this.name = name;
        this.server = server;
        this.group = group;
        this.adapter = server.adapterFactory().create(this);
        this.all = new Broadcast(() -> List.of(this), BroadcastOptions.ALL);
    }

    @Override
    public BroadcastOperator all() {
        return all;
    }

    @Override
    public String name() {
        return name;
    }

    Adapter adapter() {
        return adapter;
    }

    JsonArgs json() {
        return server.json();
    }

    Vertx vertx() {
        return server.vertx();
    }

    ServerObserver observer() {
        return server.observer();
    }

    @Override
    public void delivered(SocketIOPacket packet, OutboundPacket encoded, List<? extends LocalSocket> recipients) {
        ServerObserver observer = observer();
        if (observer == ServerObserver.NONE || recipients.isEmpty()) {
            return;
        }
        observer.packetsSent(recipients.size() * encoded.packetCount(), recipients.size() * encoded.byteLength());
        if (packet.type() != PacketType.EVENT) {
            return;
        }
        ArrayNode event = (ArrayNode) packet.data();
        for (LocalSocket recipient : recipients) {
            observer.delivered((SocketImpl) recipient, event);
        }
    }

    /** Ack ids are unique in the namespace, so one id can serve every recipient of a broadcast. */
    @Override
    public long nextAckId() {
        return ackIds.getAndIncrement();
    }

    @Override
    public OutboundPacket encode(SocketIOPacket packet) {
        return server.encode(packet);
    }

    @Override
    public SocketImpl socket(String id) {
        return sockets.get(id);
    }

    @Override
    public Collection<SocketImpl> sockets() {
        return sockets.values();
    }

    @Override
    public RecoveryStore<LocalBroadcast, SessionState> recoveryStore() {
        return server.recoveryStore();
    }

    @Override
    public Collection<SocketIOSocket> localSockets() {
        return Collections.unmodifiableCollection(sockets.values());
    }

    @Override
    public void serverSideEmit(String event, Object... args) {
        adapter.serverSideEmit(json().eventData(event, args));
    }

    @Override
    public Uni<List<JsonNode>> serverSideEmitWithAck(String event, Object... args) {
        return adapter.serverSideEmitWithAck(json().eventData(event, args));
    }

    @Override
    public Uni<Integer> serverCount() {
        return adapter.serverCount();
    }

    @Override
    public RemoteSocket remoteSocket(String id, Handshake handshake, Set<String> rooms, JsonNode data) {
        Map<String, Object> map = Map.of();
        if (data != null && data.isObject()) {
            try {
                map = Collections.unmodifiableMap(json().mapper().convertValue(data, LINKED_MAP));
            } catch (IllegalArgumentException e) {
                LOG.debugf("The data of socket %s of another server cannot be read: %s", id, e.getMessage());
            }
        }
        return new SocketSnapshot(id, handshake, rooms, map, this);
    }

    @Override
    public ObjectNode dataTree(String socketId, Map<String, Object> data) {
        if (data == null || data.isEmpty()) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode tree = json().toNode(data);
            return tree instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
        } catch (RuntimeException e) {
            LOG.warnf("The data of socket %s cannot be sent to another server (%s); it is sent empty", socketId,
                    e.getMessage());
            return JsonNodeFactory.instance.objectNode();
        }
    }

    @Override
    public boolean onServerSideEmit(ArrayNode eventAndArgs, Consumer<ArrayNode> ack) {
        ReceivedEvent event = new ReceivedEvent(eventAndArgs, json(), null, ack);
        boolean handled = false;
        for (NamespaceHandlers registered : registeredHandlers()) {
            for (Consumer<SocketIOEvent> handler : registered.serverSideHandlers(event.name())) {
                handled = true;
                runHandler(handler, event, "server-side event " + event.name());
            }
        }
        return handled;
    }

    private List<NamespaceHandlers> registeredHandlers() {
        return group == null ? List.of(handlers) : List.of(group, handlers);
    }

    /**
     * A client asks to join. With connection state recovery on, a client that presents a private session id and an
     * offset gets its session back when the adapter still has it: the socket is put in its rooms and sent what it
     * missed at once (in the adapter's delivery order), then admitted, skipping the middlewares when so configured.
     * Anything else (recovery off, no session, expired, unknown offset) is a new socket through the middlewares.
     * Runs on the client's context.
     */
    void connect(ClientConnection client, Handshake handshake) {
        RecoveryOptions recovery = server.recovery();
        if (recovery == null) {
            admit(client, new SocketImpl(this, client, handshake, false), false);
            return;
        }
        JsonNode auth = handshake.auth();
        if (!auth.path("pid").isTextual() || !auth.path("offset").isTextual()) {
            admit(client, new SocketImpl(this, client, handshake, true), false);
            return;
        }
        adapter.restoreSession(auth.get("pid").asText(), auth.get("offset").asText(), restored -> {
            if (restored == null) {
                client.runOnContext(() -> admit(client, new SocketImpl(this, client, handshake, true), false));
                return;
            }
            SocketImpl socket = new SocketImpl(this, client, handshake, restored.session());
            sockets.put(socket.id(), socket);
            adapter.addAll(socket.id(), restored.session().rooms());
            for (OutboundPacket missed : restored.missed()) {
                socket.write(missed, false);
            }
            client.runOnContext(() -> admit(client, socket, recovery.skipMiddlewares()));
        });
    }

    /** Runs the middlewares (unless skipped), then connects or rejects. Runs on the client's context. */
    private void admit(ClientConnection client, SocketImpl socket, boolean skipMiddlewares) {
        List<SocketIOMiddleware> middlewares = new ArrayList<>();
        if (!skipMiddlewares) {
            for (NamespaceHandlers registered : registeredHandlers()) {
                middlewares.addAll(registered.middlewares);
            }
        }
        if (middlewares.isEmpty()) {
            complete(client, socket);
            return;
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (SocketIOMiddleware middleware : middlewares) {
            chain = chain.chain(() -> middleware.apply(socket));
        }
        chain.subscribe().with(
                ok -> client.runOnContext(() -> complete(client, socket)),
                failure -> client.runOnContext(() -> reject(client, socket, failure)));
    }

    private void complete(ClientConnection client, SocketImpl socket) {
        if (!client.isOpen()) {
            client.connectFinished(name);
            if (socket.recovered()) {
                // gone again before it was back: keep its session for another try
                adapter.persistSession(socket.session());
                forget(socket);
            }
            return;
        }
        sockets.put(socket.id(), socket);
        adapter.addAll(socket.id(), java.util.Set.of(socket.id()));
        client.connected(socket);
        ObjectNode reply = JsonNodeFactory.instance.objectNode().put("sid", socket.id());
        if (socket.pid() != null) {
            reply.put("pid", socket.pid());
        }
        socket.write(encode(SocketIOPacket.connect(name, reply)), false);
        observer().connected(socket);
        for (NamespaceHandlers registered : registeredHandlers()) {
            for (Consumer<SocketIOSocket> handler : registered.connectionHandlers) {
                runHandler(handler, socket, "connection");
            }
        }
        if (socket.pid() != null) {
            // the data the connection handlers set: a cluster keeps it outside this process from now on
            adapter.sessionUpdated(socket.session());
        }
    }

    /** A recovered socket that never connected: out of its rooms and of the namespace. */
    private void forget(SocketImpl socket) {
        adapter.delAll(socket.id());
        sockets.remove(socket.id(), socket);
    }

    private void reject(ClientConnection client, SocketImpl socket, Throwable failure) {
        client.connectFinished(name);
        if (socket.recovered()) {
            forget(socket);
        }
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        if (failure instanceof ConnectionRejectedException rejected) {
            error.put("message", rejected.getMessage());
            if (rejected.data() != null) {
                error.set("data", json().toNode(rejected.data()));
            }
        } else {
            LOG.warnf(failure, "A middleware of namespace %s failed; the connection is rejected", name);
            error.put("message", failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage());
        }
        client.write(encode(SocketIOPacket.connectError(name, error)));
    }

    /** A socket left: forget it. */
    void remove(SocketImpl socket) {
        sockets.remove(socket.id());
    }

    <T> void runHandler(Consumer<T> handler, T argument, String what) {
        try {
            handler.accept(argument);
        } catch (RuntimeException e) {
            LOG.errorf(e, "The %s handler of namespace %s failed", what, name);
        }
    }
}
