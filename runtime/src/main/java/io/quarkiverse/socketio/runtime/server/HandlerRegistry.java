package io.quarkiverse.socketio.runtime.server;

import java.util.function.Consumer;

import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIOMiddleware;
import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOSocket;

/**
 * A namespace-like object users register handlers on: a namespace, or a group of dynamic namespaces.
 */
abstract class HandlerRegistry extends SelectionDelegate implements SocketIONamespace {

    final NamespaceHandlers handlers;

    HandlerRegistry(NamespaceHandlers handlers) {
        this.handlers = handlers;
    }

    @Override
    public SocketIONamespace use(SocketIOMiddleware middleware) {
        handlers.middlewares.add(middleware);
        return this;
    }

    @Override
    public SocketIONamespace onConnection(Consumer<SocketIOSocket> handler) {
        handlers.connectionHandlers.add(handler);
        return this;
    }

    @Override
    public SocketIONamespace onServerSideEmit(String event, Consumer<SocketIOEvent> handler) {
        handlers.addServerSideHandler(event, handler);
        return this;
    }
}
