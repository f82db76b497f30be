package io.quarkiverse.socketio.runtime.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.BroadcastOperator;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions;
import io.smallrye.mutiny.Uni;

/**
 * Dynamic namespaces: every name matching a pattern, each namespace created on its first connection and sharing the
 * group's handlers.
 */
final class NamespaceGroup extends HandlerRegistry {

    private final Pattern pattern;
    private final Map<String, NamespaceImpl> members = new ConcurrentHashMap<>();
    private final Broadcast all;
    private final Supplier<Uni<Integer>> serverCount;

    /** @param serverCount the server count, which does not depend on the namespace */
    NamespaceGroup(NamespaceDefinitions.Group definition, Supplier<Uni<Integer>> serverCount) {
        super(definition.handlers());
        this.pattern = definition.pattern();
        this.serverCount = serverCount;
        this.all = new Broadcast(members::values, BroadcastOptions.ALL);
    }

    void addMember(NamespaceImpl namespace) {
        members.put(namespace.name(), namespace);
    }

    @Override
    public BroadcastOperator all() {
        return all;
    }

    @Override
    public String name() {
        return pattern.pattern();
    }

    @Override
    public Collection<SocketIOSocket> localSockets() {
        List<SocketIOSocket> sockets = new ArrayList<>();
        for (NamespaceImpl namespace : members.values()) {
            sockets.addAll(namespace.localSockets());
        }
        return sockets;
    }

    @Override
    public void serverSideEmit(String event, Object... args) {
        for (NamespaceImpl namespace : members.values()) {
            namespace.serverSideEmit(event, args);
        }
    }

    @Override
    public Uni<List<JsonNode>> serverSideEmitWithAck(String event, Object... args) {
        List<Uni<List<JsonNode>>> parts = new ArrayList<>();
        for (NamespaceImpl namespace : members.values()) {
            parts.add(namespace.serverSideEmitWithAck(event, args));
        }
        return Broadcast.concat(parts);
    }

    @Override
    public Uni<Integer> serverCount() {
        return serverCount.get();
    }
}
