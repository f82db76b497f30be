package io.quarkiverse.socketio.runtime.cluster;

import java.util.Map;
import java.util.Optional;

/**
 * What the primary passes to a worker process in its environment. A process whose environment has
 * {@link #ROLE}{@code =worker} is a worker, whatever its configuration says.
 *
 * @param index the worker's place in the cluster, 1 to the number of workers (kept across restarts)
 * @param node the worker's node number on the IPC channel (new for every launch)
 * @param ipcPath the primary's Unix domain socket
 * @param secret what the worker presents in its HELLO
 * @param httpPort the loopback port the worker serves HTTP on
 */
public record WorkerEnvironment(int index, int node, String ipcPath, String secret, int httpPort) {

    public static final String ROLE = "SOCKETIO_CLUSTER_ROLE";
    public static final String WORKER = "SOCKETIO_CLUSTER_WORKER";
    public static final String NODE = "SOCKETIO_CLUSTER_NODE";
    public static final String IPC = "SOCKETIO_CLUSTER_IPC";
    public static final String SECRET = "SOCKETIO_CLUSTER_SECRET";
    public static final String HTTP_PORT = "SOCKETIO_CLUSTER_HTTP_PORT";

    /** The worker environment of this process, empty when it is not a worker. */
    public static Optional<WorkerEnvironment> current() {
        return from(System.getenv());
    }

    /**
     * The worker environment in {@code env}, empty when {@link #ROLE} is not {@code worker}.
     *
     * @throws IllegalStateException when the role is worker but a variable is missing or malformed
     */
    public static Optional<WorkerEnvironment> from(Map<String, String> env) {
        if (!"worker".equals(env.get(ROLE))) {
            return Optional.empty();
        }
        return Optional.of(new WorkerEnvironment(number(env, WORKER), number(env, NODE), text(env, IPC),
                text(env, SECRET), number(env, HTTP_PORT)));
    }

    /** Adds this worker's variables to a process environment. */
    public void export(Map<String, String> env) {
        env.put(ROLE, "worker");
        env.put(WORKER, Integer.toString(index));
        env.put(NODE, Integer.toString(node));
        env.put(IPC, ipcPath);
        env.put(SECRET, secret);
        env.put(HTTP_PORT, Integer.toString(httpPort));
    }

    private static String text(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(ROLE + "=worker but " + name + " is not set: a worker is launched by "
                    + "the cluster primary, not by hand");
        }
        return value;
    }

    private static int number(Map<String, String> env, String name) {
        String value = text(env, name);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " is not a number: " + value);
        }
    }
}
