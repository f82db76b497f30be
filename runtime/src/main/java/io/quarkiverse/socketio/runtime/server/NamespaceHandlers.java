package io.quarkiverse.socketio.runtime.server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIOMiddleware;
import io.quarkiverse.socketio.SocketIOSocket;

/**
 * What users register on a namespace, or on a group of dynamic namespaces (whose namespaces share it).
 */
final class NamespaceHandlers {

    final List<SocketIOMiddleware> middlewares = new CopyOnWriteArrayList<>();
    final List<Consumer<SocketIOSocket>> connectionHandlers = new CopyOnWriteArrayList<>();
    final Map<String, List<Consumer<SocketIOEvent>>> serverSideHandlers = new ConcurrentHashMap<>();

    void addServerSideHandler(String event, Consumer<SocketIOEvent> handler) {
        serverSideHandlers.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()).add(handler);
    }

    List<Consumer<SocketIOEvent>> serverSideHandlers(String event) {
        return serverSideHandlers.getOrDefault(event, List.of());
    }
}
