package io.quarkiverse.socketio.runtime.server;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What the application declared: the namespaces created by name, the groups of dynamic namespaces, and the handlers
 * and middlewares registered on each. The servers of an in-JVM cluster share one, so that what the application
 * registers once applies to every worker, as the startup code of each worker process does in production.
 */
public final class NamespaceDefinitions {

    /** A group of dynamic namespaces: its pattern and the handlers its namespaces share. */
    record Group(Pattern pattern, NamespaceHandlers handlers) {
        boolean matches(String namespace) {
            return pattern.matcher(namespace).matches();
        }
    }

    private final Set<String> declared = ConcurrentHashMap.newKeySet();
    /** the servers sharing these definitions: each creates a namespace declared through any of them */
    private final List<Consumer<String>> servers = new CopyOnWriteArrayList<>();
    private final Map<String, NamespaceHandlers> handlers = new ConcurrentHashMap<>();
    private final List<Group> groups = new CopyOnWriteArrayList<>();

    /** The handlers registered on the namespace of this name (whether it was declared by name or by a group). */
    NamespaceHandlers handlers(String namespace) {
        return handlers.computeIfAbsent(namespace, n -> new NamespaceHandlers());
    }

    /**
     * Records that the application asked for this namespace by name; every server sharing the definitions creates it,
     * as every worker process runs the startup code that declares it.
     */
    void declare(String namespace) {
        if (declared.add(namespace)) {
            for (Consumer<String> server : servers) {
                server.accept(namespace);
            }
        }
    }

    /** A server joins: it creates the namespaces declared so far, and then each one declared later. */
    void addServer(Consumer<String> server) {
        servers.add(server);
        for (String namespace : declared) {
            server.accept(namespace);
        }
    }

    void removeServer(Consumer<String> server) {
        servers.remove(server);
    }

    boolean isDeclared(String namespace) {
        return declared.contains(namespace);
    }

    Group addGroup(Pattern pattern) {
        Group group = new Group(pattern, new NamespaceHandlers());
        groups.add(group);
        return group;
    }

    /** The groups, in the order they were added. */
    List<Group> groups() {
        return groups;
    }
}
