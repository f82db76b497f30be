package io.quarkiverse.socketio.runtime.cluster.injvm;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.BroadcastOperator;
import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIOMiddleware;
import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.server.SelectionDelegate;
import io.quarkiverse.socketio.runtime.server.SocketIOServerImpl;
import io.smallrye.mutiny.Uni;

/**
 * The {@link SocketIOServer} bean of a JVM that runs several workers' servers (the dev-mode cluster). In production
 * each worker process has its own bean; here one bean serves all of them, so each call acts on the server of the
 * worker whose code is running (a handler or middleware of one of its sockets), and, outside of any worker (a REST
 * call, a scheduled job), on the worker the supplier names, as if the request had been routed there. Handlers and
 * middlewares registered through any worker apply to all of them: they share the application's definitions.
 */
public final class WorkerScopedServer extends SelectionDelegate implements SocketIOServer {

    private final Supplier<SocketIOServerImpl> outsideWorkers;

    /** @param outsideWorkers the server that acts for code running outside of any worker's session */
    public WorkerScopedServer(Supplier<SocketIOServerImpl> outsideWorkers) {
        this.outsideWorkers = outsideWorkers;
    }

    private SocketIOServerImpl current() {
        SocketIOServerImpl server = SocketIOServerImpl.ofCurrentContext();
        return server != null ? server : outsideWorkers.get();
    }

    @Override
    public BroadcastOperator all() {
        return current().all();
    }

    @Override
    public SocketIONamespace of(String name) {
        return current().of(name);
    }

    @Override
    public SocketIONamespace of(Pattern namePattern) {
        return current().of(namePattern);
    }

    @Override
    public String name() {
        return current().name();
    }

    @Override
    public SocketIONamespace use(SocketIOMiddleware middleware) {
        current().use(middleware);
        return this;
    }

    @Override
    public SocketIONamespace onConnection(Consumer<SocketIOSocket> handler) {
        current().onConnection(handler);
        return this;
    }

    @Override
    public SocketIONamespace onServerSideEmit(String event, Consumer<SocketIOEvent> handler) {
        current().onServerSideEmit(event, handler);
        return this;
    }

    @Override
    public Collection<SocketIOSocket> localSockets() {
        return current().localSockets();
    }

    @Override
    public void serverSideEmit(String event, Object... args) {
        current().serverSideEmit(event, args);
    }

    @Override
    public Uni<List<JsonNode>> serverSideEmitWithAck(String event, Object... args) {
        return current().serverSideEmitWithAck(event, args);
    }

    @Override
    public Uni<Integer> serverCount() {
        return current().serverCount();
    }
}
