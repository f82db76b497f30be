package io.quarkiverse.socketio.runtime.cluster.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A launch with a shell as the worker's command: the environment that makes it a worker, its port, its piped output.
 */
class WorkerLauncherTest {

    ClusterRelay relay;
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    final WorkerOutput output = new WorkerOutput(new PrintStream(printed, true, StandardCharsets.UTF_8));
    final List<String> kept = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() throws IOException {
        relay = ClusterRelay.open(new ClusterRelay.Events() {
            @Override
            public void onReady(int node) {
            }

            @Override
            public void onLinkClosed(int node) {
            }
        });
    }

    @AfterEach
    void close() {
        relay.close();
    }

    @Test
    void theWorkerGetsItsEnvironmentAndItsLinesArePrefixed() throws Exception {
        WorkerLauncher launcher = new WorkerLauncher(List.of("sh", "-c", "echo \"$SOCKETIO_CLUSTER_ROLE "
                + "$SOCKETIO_CLUSTER_WORKER $SOCKETIO_CLUSTER_NODE $SOCKETIO_CLUSTER_HTTP_PORT $SOCKETIO_CLUSTER_IPC\"; "
                + "echo oops >&2"), relay, output);
        WorkerLauncher.Launched launched = launcher.launch(2, 7, kept::add);
        assertTrue(launched.process().waitFor(10, TimeUnit.SECONDS));
        output.awaitEnd(5000);
        assertTrue(launched.httpPort() > 0);
        assertEquals(List.of("[worker 2] worker 2 7 " + launched.httpPort() + " " + relay.socketPath(),
                "[worker 2] oops"), kept, "standard error merged into the output");
    }

    @Test
    void aCommandThatCannotStart() {
        WorkerLauncher launcher = new WorkerLauncher(List.of("/nonexistent/socketio-worker"), relay, output);
        assertThrows(IOException.class, () -> launcher.launch(1, 1, kept::add));
        assertEquals(List.of(), kept);
    }
}
