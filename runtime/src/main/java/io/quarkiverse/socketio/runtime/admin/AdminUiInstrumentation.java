package io.quarkiverse.socketio.runtime.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.BroadcastOperator;
import io.quarkiverse.socketio.ConnectionRejectedException;
import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.SocketIOServers;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.server.SocketIOServerImpl;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;

/**
 * The server side of the official Socket.IO Admin UI, when {@code quarkus.socketio.admin-ui.enabled}: what Node's
 * {@code instrument(io, options)} sets up. The admin namespace authenticates the UI, tells it the features it may use,
 * the sockets of every server (in development mode) and acts on its requests; an {@link AdminServerAgent} per server
 * sends its statistics and, in development mode, its sockets' comings, goings and events.
 */
@Singleton
public class AdminUiInstrumentation {

    private static final Logger LOG = Logger.getLogger(AdminUiInstrumentation.class);
    /** The socket data key under which the middleware leaves a new session for the connection handler to send. */
    private static final String NEW_SESSION = "_adminSession";

    private final SocketIOServers servers;
    private final SocketIOServer io;
    private final SocketIOConfig.AdminUi config;
    private final Vertx vertx;
    private boolean development;
    private List<String> features;

    AdminUiInstrumentation(SocketIOServers servers, SocketIOServer io, SocketIOConfig config, Vertx vertx) {
        this.servers = servers;
        this.io = io;
        this.config = config.adminUi();
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        development = config.mode().orElse(LaunchMode.current().isDevOrTest() ? SocketIOConfig.AdminMode.DEVELOPMENT
                : SocketIOConfig.AdminMode.PRODUCTION) == SocketIOConfig.AdminMode.DEVELOPMENT;
        features = features(config.readOnly(), development);
        SocketIONamespace admin = io.of(config.namespace());
        if (config.authentication() == SocketIOConfig.AdminAuthentication.BASIC) {
            AdminAuthenticator authenticator = AdminAuthenticator.of(config);
            admin.use(socket -> authenticate(authenticator, socket));
        } else {
            LOG.warnf("The Socket.IO Admin UI's namespace %s lets every client in "
                    + "(quarkus.socketio.admin-ui.authentication=none): keep this server out of others' reach",
                    config.namespace());
        }
        admin.onConnection(this::onAdminConnection);
        String hostname = hostname();
        long pid = ProcessHandle.current().pid();
        boolean inJvm = servers.inJvmCluster().isPresent();
        servers.addObserver((worker, server) -> new AdminServerAgent(vertx, server, config.namespace(), development,
                new AdminServerAgent.ServerIdentity(serverId(hostname, pid, worker, inJvm), hostname, pid)));
        LOG.infof("Socket.IO Admin UI: namespace %s, %s mode%s", config.namespace(),
                development ? "development" : "production", config.readOnly() ? ", read-only" : "");
    }

    /** Node's feature names: the actions (unless read-only), then what the UI is sent. */
    static List<String> features(boolean readOnly, boolean development) {
        List<String> features = new ArrayList<>();
        if (!readOnly) {
            features.addAll(List.of("EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT"));
        }
        features.add("AGGREGATED_EVENTS");
        if (development) {
            features.add("ALL_EVENTS");
        }
        return features;
    }

    private String serverId(String hostname, long pid, int worker, boolean inJvm) {
        String base = config.serverId().orElse(hostname);
        if (worker == 0) {
            return base; // a process on its own, as Node's server outside of a cluster
        }
        return base + "#" + pid + (inJvm ? "-" + worker : "");
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * Lets the UI in with a session it got before, or with the credentials (then gives it a new session); else
     * refuses it with Node's message. bcrypt takes tens of milliseconds: it runs on a worker thread.
     */
    private Uni<Void> authenticate(AdminAuthenticator authenticator, SocketIOSocket socket) {
        JsonNode auth = socket.handshake().auth();
        if (authenticator.isValidSession(auth.path("sessionId").asText(null))) {
            return Uni.createFrom().voidItem();
        }
        String username = auth.path("username").asText(null);
        String password = auth.path("password").asText(null);
        return Uni.createFrom().item(() -> authenticator.checkCredentials(username, password))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onItem().transform(valid -> {
                    if (!valid) {
                        throw new ConnectionRejectedException("invalid credentials");
                    }
                    socket.data().put(NEW_SESSION, authenticator.newSession());
                    return null;
                });
    }

    private void onAdminConnection(SocketIOSocket socket) {
        Object session = socket.data().remove(NEW_SESSION);
        if (session != null) {
            socket.emit("session", session);
        }
        if (!config.readOnly()) {
            socket.on("emit", this::onEmit);
            socket.on("join", event -> selection(event, 2).socketsJoin(event.arg(1).asText()));
            socket.on("leave", event -> selection(event, 2).socketsLeave(event.arg(1).asText()));
            socket.on("_disconnect", event -> selection(event, 2).disconnectSockets(event.arg(1).asBoolean()));
        }
        socket.emit("config", Map.of("supportedFeatures", features));
        if (development) {
            allSockets().subscribe().with(sockets -> socket.emit("all_sockets", sockets),
                    failure -> LOG.debugf("The Admin UI's list of sockets failed: %s", failure.getMessage()));
        }
    }

    /** {@code emit(nsp, filter, event, ...args)}: the event to the namespace's sockets, or to those in the filter. */
    private void onEmit(SocketIOEvent event) {
        List<JsonNode> args = event.args();
        if (args.size() < 3) {
            return;
        }
        Object[] eventArgs = args.subList(3, args.size()).toArray();
        selection(event, 1).emit(args.get(2).asText(), eventArgs);
    }

    /**
     * The sockets an action names: the namespace (argument 0), narrowed to a room or socket id when the argument at
     * {@code filterIndex} is one.
     */
    private BroadcastOperator selection(SocketIOEvent event, int filterIndex) {
        SocketIONamespace namespace = io.of(event.arg(0).asText());
        JsonNode filter = event.arg(filterIndex);
        return filter != null && filter.isTextual() && !filter.asText().isEmpty() ? namespace.in(filter.asText())
                : namespace;
    }

    /**
     * Every socket of every namespace of the server that holds the UI's connection, fetched from the whole cluster;
     * a namespace whose fetch fails is left out.
     */
    private Uni<List<Map<String, Object>>> allSockets() {
        SocketIOServerImpl current = SocketIOServerImpl.ofCurrentContext();
        SocketIOServerImpl server = current != null ? current : servers.servers().get(0);
        List<Uni<List<Map<String, Object>>>> fetches = new ArrayList<>();
        for (SocketIONamespace namespace : server.namespaces()) {
            fetches.add(namespace.fetchSockets()
                    .map(sockets -> sockets.stream().map(s -> SerializedSockets.of(s, namespace.name())).toList())
                    .onFailure().recoverWithItem(List.of()));
        }
        if (fetches.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.join().all(fetches).andFailFast().map(lists -> {
            List<Map<String, Object>> all = new ArrayList<>();
            lists.forEach(all::addAll);
            return all;
        });
    }
}
