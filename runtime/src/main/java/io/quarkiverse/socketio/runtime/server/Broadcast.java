package io.quarkiverse.socketio.runtime.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.AckTimeoutException;
import io.quarkiverse.socketio.BroadcastOperator;
import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions;
import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions.Flags;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;
import io.smallrye.mutiny.Uni;

/**
 * An immutable selection of sockets over one namespace, or over every namespace of a dynamic group, applied through
 * each namespace's adapter.
 */
final class Broadcast implements BroadcastOperator {

    private final Supplier<Collection<NamespaceImpl>> namespaces;
    private final BroadcastOptions options;

    Broadcast(Supplier<Collection<NamespaceImpl>> namespaces, BroadcastOptions options) {
        this.namespaces = namespaces;
        this.options = options;
    }

    private Broadcast with(Set<String> rooms, Set<String> except, Flags flags) {
        return new Broadcast(namespaces, new BroadcastOptions(rooms, except, flags));
    }

    private static Set<String> plus(Set<String> set, String[] more) {
        Set<String> result = new LinkedHashSet<>(set);
        for (String item : more) {
            result.add(item);
        }
        return Collections.unmodifiableSet(result);
    }

    /** The rooms in the order given, as Node's Set keeps them and sends them (an array in its adapters' messages). */
    private static Set<String> ordered(String[] rooms) {
        return plus(Set.of(), rooms);
    }

    @Override
    public BroadcastOperator to(String... rooms) {
        return with(plus(options.rooms(), rooms), options.except(), options.flags());
    }

    @Override
    public BroadcastOperator except(String... rooms) {
        return with(options.rooms(), plus(options.except(), rooms), options.flags());
    }

    @Override
    public BroadcastOperator local() {
        Flags f = options.flags();
        return with(options.rooms(), options.except(), new Flags(f.volatile_(), f.compress(), true, f.timeout()));
    }

    @Override
    public BroadcastOperator asVolatile() {
        Flags f = options.flags();
        return with(options.rooms(), options.except(), new Flags(true, f.compress(), f.local(), f.timeout()));
    }

    @Override
    public BroadcastOperator compress(boolean compress) {
        Flags f = options.flags();
        return with(options.rooms(), options.except(), new Flags(f.volatile_(), compress, f.local(), f.timeout()));
    }

    @Override
    public BroadcastOperator timeout(Duration timeout) {
        Flags f = options.flags();
        return with(options.rooms(), options.except(), new Flags(f.volatile_(), f.compress(), f.local(), timeout));
    }

    @Override
    public void emit(String event, Object... args) {
        Collection<NamespaceImpl> targets = namespaces.get();
        if (targets.isEmpty()) {
            return;
        }
        var data = targets.iterator().next().json().eventData(event, args);
        for (NamespaceImpl namespace : targets) {
            namespace.adapter().broadcast(SocketIOPacket.event(namespace.name(), data, -1), options);
            ServerObserver observer = namespace.observer();
            if (observer != ServerObserver.NONE) {
                observer.broadcast(namespace.name(), describe(options), data);
            }
        }
    }

    /** The selection, for the Dev UI's event log: "all", "rooms a, b", "except c", "local". */
    private static String describe(BroadcastOptions options) {
        StringBuilder text = new StringBuilder(options.rooms().isEmpty() ? "all"
                : "rooms " + String.join(", ",
                        options.rooms()));
        if (!options.except().isEmpty()) {
            text.append(" except ").append(String.join(", ", options.except()));
        }
        if (options.flags().local()) {
            text.append(" (local)");
        }
        return text.toString();
    }

    @Override
    public Uni<List<JsonNode>> emitWithAck(String event, Object... args) {
        Duration timeout = options.flags().timeout();
        if (timeout == null) {
            throw new IllegalStateException(
                    "A broadcast with acknowledgements needs a timeout: call timeout(Duration) before emitWithAck");
        }
        Collection<NamespaceImpl> targets = namespaces.get();
        if (targets.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        NamespaceImpl first = targets.iterator().next();
        var data = first.json().eventData(event, args);
        return Uni.createFrom().emitter(emitter -> {
            AckCollector collector = new AckCollector(targets.size(), emitter::complete);
            long timer = first.vertx().setTimer(timeout.toMillis(), id -> collector.timeOut(
                    partial -> emitter.fail(new AckTimeoutException(
                            "Not every client acknowledged " + event + " within " + timeout, partial))));
            emitter.onTermination(() -> first.vertx().cancelTimer(timer));
            for (NamespaceImpl namespace : targets) {
                SocketIOPacket packet = SocketIOPacket.event(namespace.name(), data, namespace.nextAckId());
                namespace.adapter().broadcastWithAck(packet, options, collector::expect, collector::add);
            }
        });
    }

    @Override
    public Uni<List<RemoteSocket>> fetchSockets() {
        List<Uni<List<RemoteSocket>>> parts = new ArrayList<>();
        for (NamespaceImpl namespace : namespaces.get()) {
            parts.add(namespace.adapter().fetchSockets(options));
        }
        return concat(parts);
    }

    /** One list of every part's items, in order. */
    static <T> Uni<List<T>> concat(List<Uni<List<T>>> parts) {
        if (parts.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return Uni.join().all(parts).andFailFast().map(lists -> {
            List<T> all = new ArrayList<>();
            lists.forEach(all::addAll);
            return all;
        });
    }

    @Override
    public void socketsJoin(String... rooms) {
        for (NamespaceImpl namespace : namespaces.get()) {
            namespace.adapter().addSockets(options, ordered(rooms));
        }
    }

    @Override
    public void socketsLeave(String... rooms) {
        for (NamespaceImpl namespace : namespaces.get()) {
            namespace.adapter().delSockets(options, ordered(rooms));
        }
    }

    @Override
    public void disconnectSockets(boolean close) {
        for (NamespaceImpl namespace : namespaces.get()) {
            namespace.adapter().disconnectSockets(options, close);
        }
    }
}
