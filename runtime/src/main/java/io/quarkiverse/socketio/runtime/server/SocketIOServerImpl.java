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
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace.LocalBroadcast;
import io.quarkiverse.socketio.runtime.cluster.ClusterMembership;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.engine.EngineOptions;
import io.quarkiverse.socketio.runtime.engine.EngineServer;
import io.quarkiverse.socketio.runtime.protocol.SocketIOPacket;
import io.quarkiverse.socketio.runtime.protocol.SocketIOPacketDecoder;
import io.quarkiverse.socketio.runtime.protocol.SocketIOPacketEncoder;
import io.quarkiverse.socketio.runtime.recovery.RecoveryOptions;
import io.quarkiverse.socketio.runtime.recovery.RecoveryStore;
import io.quarkiverse.socketio.runtime.recovery.SessionState;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The Socket.IO server of this process: its namespaces, on an Engine.IO endpoint mounted on the Quarkus HTTP router.
 * As {@link SocketIOServer}, it stands for the main namespace.
 */
@Singleton
public class SocketIOServerImpl extends SelectionDelegate implements SocketIOServer {

    /** How long a stopping server waits for its sessions to close. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final SocketIOConfig config;
    private final JsonArgs json;
    private final SocketIOPacketEncoder encoder;
    private final EngineServer engine;
    private final Map<String, NamespaceImpl> namespaces = new ConcurrentHashMap<>();
    private final List<NamespaceGroup> groups = new CopyOnWriteArrayList<>();
    private final AdapterFactory adapterFactory;
    private final NamespaceImpl main;
    /** connection state recovery: null when off */
    private final RecoveryOptions recovery;
    /** this process's store of sessions and broadcasts, when recovery is on and the adapters are in-memory */
    private final RecoveryStore<LocalBroadcast, SessionState> recoveryStore;
    private long recoverySweep = -1;

    /** The server of this process: its adapters are those of a worker of a cluster, or in-memory. */
    @Inject
    public SocketIOServerImpl(Vertx vertx, ObjectMapper mapper, SocketIOConfig config, ClusterMembership membership) {
        this(vertx, mapper, config,
                membership.adapterFactory(vertx, mapper, config.cluster().requestsTimeout(),
                        config.connectionStateRecovery().enabled()));
    }

    /**
     * A server whose namespaces get their adapters from {@code adapterFactory}, outside CDI: for instance one of the
     * servers of an in-JVM cluster. Serve it with {@link #mount(Router)}; {@link #stop(ShutdownEvent)} closes it.
     * The bean is served by the route the extension registers ({@link #engineHandler()}).
     */
    public SocketIOServerImpl(Vertx vertx, ObjectMapper mapper, SocketIOConfig config, AdapterFactory adapterFactory) {
        this.vertx = vertx;
        this.config = config;
        this.json = new JsonArgs(mapper);
        this.encoder = new SocketIOPacketEncoder(mapper);
        this.adapterFactory = adapterFactory;
        this.recovery = RecoveryOptions.from(config);
        this.recoveryStore = recovery == null || adapterFactory.keepsRecoveryElsewhere() ? null
                : new RecoveryStore<>(recovery);
        if (recoveryStore != null) {
            long period = Math.max(1000, Math.min(60_000, recovery.maxDisconnectionDuration().toMillis() / 2));
            recoverySweep = vertx.setPeriodic(period, t -> recoveryStore.sweep());
        }
        this.engine = new EngineServer(vertx, EngineOptions.from(config),
                session -> session.handler(new ClientConnection(this, session)));
        this.main = (NamespaceImpl) of("/");
    }

    /** Serves the Engine.IO endpoint on {@code router}, under the configured path. */
    public void mount(Router router) {
        router.route(mountPath(config.path())).handler(engine.routeHandler());
    }

    /** The handler of the Engine.IO endpoint's route. */
    public Handler<RoutingContext> engineHandler() {
        return engine.routeHandler();
    }

    /** The route pattern under which the endpoint at {@code path} is served. */
    public static String mountPath(String path) {
        String withSlashes = (path.startsWith("/") ? path : "/" + path);
        return (withSlashes.endsWith("/") ? withSlashes : withSlashes + "/") + "*";
    }

    void stop(@Observes ShutdownEvent event) {
        if (recoverySweep != -1) {
            vertx.cancelTimer(recoverySweep);
        }
        engine.close();
        // The sessions close on their event loops (a held poll gets its close packet): give them a moment before the
        // HTTP server goes away with the answers.
        long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        while (engine.sessionCount() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        adapterFactory.close();
    }

    /** The sockets connected to this process, over every namespace. */
    public int localSocketCount() {
        int count = 0;
        for (NamespaceImpl namespace : namespaces.values()) {
            count += namespace.localSockets().size();
        }
        return count;
    }

    Vertx vertx() {
        return vertx;
    }

    RecoveryOptions recovery() {
        return recovery;
    }

    RecoveryStore<LocalBroadcast, SessionState> recoveryStore() {
        return recoveryStore;
    }

    /** What the recovery store of this process holds; {@code null} when there is none (recovery off, or a worker). */
    public RecoveryStore.Stats recoveryStats() {
        return recoveryStore == null ? null : recoveryStore.stats();
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
        NamespaceGroup group = new NamespaceGroup(namePattern, main::serverCount);
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

    @Override
    public Uni<Integer> serverCount() {
        return main.serverCount();
    }
}
