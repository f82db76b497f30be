package io.quarkiverse.socketio.runtime.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.quarkiverse.socketio.BroadcastOperator;
import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIOMiddleware;
import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.adapter.AdapterFactory;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace.LocalBroadcast;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.engine.EngineOptions;
import io.quarkiverse.socketio.runtime.engine.EngineServer;
import io.quarkiverse.socketio.runtime.parser.OutboundPacket;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacketDecoder;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacketEncoder;
import io.quarkiverse.socketio.runtime.recovery.RecoveryOptions;
import io.quarkiverse.socketio.runtime.recovery.RecoveryStore;
import io.quarkiverse.socketio.runtime.recovery.SessionState;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A Socket.IO server: its namespaces, on an Engine.IO endpoint. A process runs one (the application's
 * {@link SocketIOServer} bean), or, in a dev-mode cluster, one per in-JVM worker. As {@link SocketIOServer}, it stands
 * for the main namespace.
 */
public class SocketIOServerImpl extends SelectionDelegate implements SocketIOServer {

    /** The key of the context local that names the server whose code runs, when several share the JVM. */
    private static final String CURRENT_SERVER = SocketIOServerImpl.class.getName();

    /** How long a stopping server waits for its sessions to close. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final SocketIOConfig config;
    private final JsonArgs json;
    private final SocketIOPacketEncoder encoder;
    private final ObjectReader packetReader;
    private final EngineServer engine;
    private final NamespaceDefinitions definitions;
    private final Map<String, NamespaceImpl> namespaces = new ConcurrentHashMap<>();
    private final Map<NamespaceDefinitions.Group, NamespaceGroup> groups = new ConcurrentHashMap<>();
    private final AdapterFactory adapterFactory;
    private final NamespaceImpl main;
    private volatile ServerObserver observer = ServerObserver.NONE;
    private final Consumer<String> declaredNamespaces = this::namespaceOf;
    /** connection state recovery: null when off */
    private final RecoveryOptions recovery;
    /** this server's store of sessions and broadcasts, when recovery is on and the adapters are in-memory */
    private final RecoveryStore<LocalBroadcast, SessionState> recoveryStore;
    private long recoverySweep = -1;

    /**
     * A server of its own, whose namespaces get their adapters from {@code adapterFactory}. Serve it with
     * {@link #mount(Router)} or {@link #engineHandler()}; {@link #stop()} closes it.
     */
    public SocketIOServerImpl(Vertx vertx, ObjectMapper mapper, SocketIOConfig config, AdapterFactory adapterFactory) {
        this(vertx, mapper, config, adapterFactory, new NamespaceDefinitions(), null);
    }

    /**
     * A server that shares the application's {@code definitions} with other servers of the same JVM.
     *
     * @param sessionLoop the event loop its sessions run on, or {@code null} for the event loop of the request that
     *        opened each session
     */
    public SocketIOServerImpl(Vertx vertx, ObjectMapper mapper, SocketIOConfig config, AdapterFactory adapterFactory,
            NamespaceDefinitions definitions, Context sessionLoop) {
        this.vertx = vertx;
        this.config = config;
        this.json = new JsonArgs(mapper);
        this.encoder = new SocketIOPacketEncoder(mapper);
        this.packetReader = SocketIOPacketDecoder.strictReader(mapper);
        this.adapterFactory = adapterFactory;
        this.definitions = definitions;
        this.recovery = RecoveryOptions.from(config);
        this.recoveryStore = recovery == null || adapterFactory.keepsRecoveryElsewhere() ? null
                : new RecoveryStore<>(recovery);
        if (recoveryStore != null) {
            recoverySweep = vertx.setPeriodic(recovery.sweepPeriodMillis(), t -> recoveryStore.sweep());
        }
        boolean shared = sessionLoop != null;
        this.engine = new EngineServer(vertx, EngineOptions.from(config), session -> {
            if (shared) {
                session.context().putLocal(CURRENT_SERVER, this);
            }
            session.handler(new ClientConnection(this, session));
        }, sessionLoop);
        this.main = (NamespaceImpl) of("/");
        definitions.addServer(declaredNamespaces);
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

    /**
     * The server whose code is running (a handler or middleware of one of its sessions, a timer it set, its cluster
     * adapter), when the server has an event loop of its own (a worker of an in-JVM cluster); else {@code null}.
     */
    public static SocketIOServerImpl ofCurrentContext() {
        Context context = Vertx.currentContext();
        // locals live on duplicated contexts only (Quarkus forbids them on the root ones)
        return context == null || !VertxContext.isDuplicatedContext(context) ? null : context.getLocal(CURRENT_SERVER);
    }

    /**
     * Makes code that runs on {@code context}, a duplicated context, count as this server's for
     * {@link #ofCurrentContext()}: for the cluster adapter of a worker of an in-JVM cluster. (Each session's context
     * is marked when the session opens.)
     */
    public void claim(Context context) {
        context.putLocal(CURRENT_SERVER, this);
    }

    /** Tells {@code observer} what happens on this server from now on ({@link ServerObserver#NONE} to stop). */
    public void observe(ServerObserver observer) {
        this.observer = observer;
        adapterFactory.observe(observer);
    }

    ServerObserver observer() {
        return observer;
    }

    /** Whether the Engine.IO session {@code sid} is open on this server. */
    public boolean hasSession(String sid) {
        return engine.hasSession(sid);
    }

    /** Whether the Engine.IO session {@code sid} is open on HTTP long-polling (not, or not yet, upgraded). */
    public boolean isPolling(String sid) {
        return engine.isPolling(sid);
    }

    /** The number of open Engine.IO sessions on long-polling; counted, so not for hot paths. */
    public int pollingSessionCount() {
        return engine.pollingSessionCount();
    }

    /**
     * The id of the Engine.IO session of a socket connected to a server of this JVM (Node's {@code socket.client.id}),
     * shared by its sockets of every namespace; {@code null} for another kind of socket.
     */
    public static String clientIdOf(SocketIOSocket socket) {
        return socket instanceof SocketImpl local ? local.clientId() : null;
    }

    /** The number of open Engine.IO sessions. */
    public int sessionCount() {
        return engine.sessionCount();
    }

    /** Whether the Engine.IO endpoint serves: it takes new handshakes until the server stops. */
    public boolean serves() {
        return engine.isOpen();
    }

    /** The namespaces clients can be connected to now, in no particular order. */
    public Collection<SocketIONamespace> namespaces() {
        return new ArrayList<>(namespaces.values());
    }

    /**
     * Closes every session (the clients see the server go and reconnect), waits a moment for them to close, then
     * closes the adapters.
     */
    public void stop() {
        definitions.removeServer(declaredNamespaces);
        cancelRecoverySweep();
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

    /**
     * Stops as if this server's process had died: every connection closes at once (the clients reconnect), then the
     * adapters close. For the workers of an in-JVM cluster, which must look like processes that stopped.
     */
    public void abort() {
        definitions.removeServer(declaredNamespaces);
        cancelRecoverySweep();
        engine.abort();
        adapterFactory.close();
    }

    private void cancelRecoverySweep() {
        if (recoverySweep != -1) {
            vertx.cancelTimer(recoverySweep);
            recoverySweep = -1;
        }
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

    /** What the recovery store of this server holds; {@code null} when there is none (recovery off, or a worker). */
    public RecoveryStore.Stats recoveryStats() {
        return recoveryStore == null ? null : recoveryStore.stats();
    }

    public AdapterFactory adapterFactory() {
        return adapterFactory;
    }

    JsonArgs json() {
        return json;
    }

    Duration connectTimeout() {
        return config.connectTimeout();
    }

    SocketIOPacketDecoder newDecoder() {
        return new SocketIOPacketDecoder(packetReader, SocketIOPacketDecoder.DEFAULT_MAX_ATTACHMENTS);
    }

    OutboundPacket encode(SocketIOPacket packet) {
        return OutboundPacket.of(encoder.encode(packet));
    }

    @Override
    public SocketIONamespace of(String name) {
        String normalized = name.startsWith("/") ? name : "/" + name;
        NamespaceImpl namespace = namespaceOf(normalized);
        definitions.declare(normalized);
        return namespace;
    }

    private NamespaceImpl namespaceOf(String name) {
        return namespaces.computeIfAbsent(name, n -> new NamespaceImpl(n, this, definitions.handlers(n), null));
    }

    @Override
    public SocketIONamespace of(Pattern namePattern) {
        return group(definitions.addGroup(namePattern));
    }

    /** The namespace a client may join under this name, created for a matching group if needed; else null. */
    NamespaceImpl namespaceFor(String name) {
        NamespaceImpl existing = namespaces.get(name);
        if (existing != null) {
            return existing;
        }
        if (definitions.isDeclared(name)) {
            return namespaceOf(name);
        }
        for (NamespaceDefinitions.Group definition : definitions.groups()) {
            if (definition.matches(name)) {
                NamespaceImpl created = namespaces.computeIfAbsent(name,
                        n -> new NamespaceImpl(n, this, definitions.handlers(n), definition.handlers()));
                group(definition).addMember(created);
                return created;
            }
        }
        return null;
    }

    private NamespaceGroup group(NamespaceDefinitions.Group definition) {
        return groups.computeIfAbsent(definition, d -> new NamespaceGroup(d, main::serverCount));
    }

    @Override
    public BroadcastOperator all() {
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
