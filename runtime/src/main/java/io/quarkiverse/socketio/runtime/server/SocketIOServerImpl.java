package io.quarkiverse.socketio.runtime.server;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.socketio.BroadcastOperator;
import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIOMiddleware;
import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.adapter.AdapterFactory;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.engine.EngineOptions;
import io.quarkiverse.socketio.runtime.engine.EngineServer;
import io.quarkiverse.socketio.runtime.protocol.SocketIOPacket;
import io.quarkiverse.socketio.runtime.protocol.SocketIOPacketDecoder;
import io.quarkiverse.socketio.runtime.protocol.SocketIOPacketEncoder;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * The Socket.IO server of this process: its namespaces, on an Engine.IO endpoint mounted on the Quarkus HTTP router.
 * As {@link SocketIOServer}, it stands for the main namespace.
 */
@Singleton
public class SocketIOServerImpl extends SelectionDelegate implements SocketIOServer {

    private final Vertx vertx;
    private final SocketIOConfig config;
    private final JsonArgs json;
    private final SocketIOPacketEncoder encoder;
    private final EngineServer engine;
    private final Map<String, NamespaceImpl> namespaces = new ConcurrentHashMap<>();
    private final List<NamespaceGroup> groups = new CopyOnWriteArrayList<>();
    private final AdapterFactory adapterFactory;
    private final NamespaceImpl main;

    @Inject
    public SocketIOServerImpl(Vertx vertx, ObjectMapper mapper, SocketIOConfig config) {
        this(vertx, mapper, config, AdapterFactory.IN_MEMORY);
    }

    /**
     * A server whose namespaces get their adapters from {@code adapterFactory}, outside CDI: for instance one of the
     * servers of an in-JVM cluster. Serve it with {@link #mount(Router)}; {@link #stop(ShutdownEvent)} closes it.
     */
    public SocketIOServerImpl(Vertx vertx, ObjectMapper mapper, SocketIOConfig config, AdapterFactory adapterFactory) {
        this.vertx = vertx;
        this.config = config;
        this.json = new JsonArgs(mapper);
        this.encoder = new SocketIOPacketEncoder(mapper);
        this.adapterFactory = adapterFactory;
        this.engine = new EngineServer(vertx, EngineOptions.from(config),
                session -> session.handler(new ClientConnection(this, session)));
        this.main = (NamespaceImpl) of("/");
    }

    void mount(@Observes Router router) {
        router.route(mountPath(config.path())).handler(engine.routeHandler());
    }

    static String mountPath(String path) {
        String withSlashes = (path.startsWith("/") ? path : "/" + path);
        return (withSlashes.endsWith("/") ? withSlashes : withSlashes + "/") + "*";
    }

    void stop(@Observes ShutdownEvent event) {
        engine.close();
    }

    Vertx vertx() {
        return vertx;
    }

    AdapterFactory adapterFactory() {
        return adapterFactory;
    }

    JsonArgs json() {
        return json;
    }

    Duration connectTimeout() {
        return config.connectTimeout();
    }

    SocketIOPacketDecoder newDecoder() {
        return new SocketIOPacketDecoder(json.mapper());
    }

    OutboundPacket encode(SocketIOPacket packet) {
        return OutboundPacket.of(encoder.encode(packet));
    }

    @Override
    public SocketIONamespace of(String name) {
        String normalized = name.startsWith("/") ? name : "/" + name;
        return namespaces.computeIfAbsent(normalized, n -> new NamespaceImpl(n, this, null));
    }

    @Override
    public SocketIONamespace of(Pattern namePattern) {
        NamespaceGroup group = new NamespaceGroup(namePattern);
        groups.add(group);
        return group;
    }

    /** The namespace a client may join under this name, created for a matching group if needed; else null. */
    NamespaceImpl namespaceFor(String name) {
        NamespaceImpl existing = namespaces.get(name);
        if (existing != null) {
            return existing;
        }
        for (NamespaceGroup group : groups) {
            if (group.matches(name)) {
                NamespaceImpl created = namespaces.computeIfAbsent(name,
                        n -> new NamespaceImpl(n, this, group.handlers()));
                group.addMember(created);
                return created;
            }
        }
        return null;
    }

    @Override
    BroadcastOperator all() {
        return main.all();
    }

    @Override
    public String name() {
        return main.name();
    }

    @Override
    public SocketIONamespace use(SocketIOMiddleware middleware) {
        return main.use(middleware);
    }

    @Override
    public SocketIONamespace onConnection(Consumer<SocketIOSocket> handler) {
        return main.onConnection(handler);
    }

    @Override
    public SocketIONamespace onServerSideEmit(String event, Consumer<SocketIOEvent> handler) {
        return main.onServerSideEmit(event, handler);
    }

    @Override
    public Collection<SocketIOSocket> localSockets() {
        return main.localSockets();
    }

    @Override
    public void serverSideEmit(String event, Object... args) {
        main.serverSideEmit(event, args);
    }

    @Override
    public Uni<List<JsonNode>> serverSideEmitWithAck(String event, Object... args) {
        return main.serverSideEmitWithAck(event, args);
    }
}
