package io.quarkiverse.socketio.runtime.cluster.primary;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.function.Consumer;

import io.quarkiverse.socketio.runtime.cluster.WorkerEnvironment;

/**
 * Starts worker processes: the primary's own command line ({@link WorkerCommand}), a free loopback port for the
 * worker's HTTP server, the {@link WorkerEnvironment} that makes the process a worker (its index, node number, the
 * relay's socket and secret), the relay told to expect the node, and the output piped through {@link WorkerOutput}.
 * <p>
 * It keeps no state of the workers: what happens to a process after its start is the supervisor's. Safe to call from
 * any thread; the supervisor calls it under its lock.
 */
final class WorkerLauncher {

    /** A started worker process and the loopback port it serves HTTP on. */
    record Launched(Process process, int httpPort) {
    }

    private final List<String> command;
    private final ClusterRelay relay;
    private final WorkerOutput output;

    WorkerLauncher(List<String> command, ClusterRelay relay, WorkerOutput output) {
        this.command = List.copyOf(command);
        this.relay = relay;
        this.output = output;
    }

    /**
     * Starts the process of worker {@code index} as node {@code node}; its lines go to {@code kept} too.
     *
     * @throws IOException when no port is free or the process cannot start (the relay no longer expects the node)
     */
    Launched launch(int index, int node, Consumer<String> kept) throws IOException {
        Process process;
        int httpPort;
        try {
            httpPort = freeLoopbackPort();
            WorkerEnvironment environment = new WorkerEnvironment(index, node, relay.socketPath().toString(),
                    relay.secret(), httpPort);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            environment.export(builder.environment());
            relay.expect(node);
            process = builder.start();
        } catch (IOException e) {
            relay.forget(node);
            throw e;
        }
        output.pipe(index, process.getInputStream(), kept);
        return new Launched(process, httpPort);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
