package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The IPC channel between the primary and its workers, seen from outside and from a misbehaving worker: the channel
 * lives in an owner-only directory; a stranger that connects to it and sends garbage, a HELLO with a wrong secret, or
 * nothing, is disconnected within seconds while the cluster goes on; a worker that writes a malformed frame loses its
 * link, exits and is restarted, while the clients of the other worker notice nothing. One cluster, in this order.
 */
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIpcIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ExecutorService strangers = Executors.newCachedThreadPool();
    private PackagedCluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = PackagedCluster.start("ClusterIpcIT", "-Dquarkus.socketio.cluster.restart-delay=200ms");
    }

    @AfterAll
    void stopCluster() {
        strangers.shutdownNow();
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void ipcChannelIsInAnOwnerOnlyDirectory() throws Exception {
        Path socket = cluster.ipcPath();
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), socket + " exists");
        assertFalse(Files.isRegularFile(socket, LinkOption.NOFOLLOW_LINKS), socket + " is a socket, not a file");
        Path directory = socket.getParent();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory,
                LinkOption.NOFOLLOW_LINKS)), "permissions of " + directory);
        assertEquals(System.getProperty("user.name"), Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS).getName(),
                "owner of " + directory);
    }

    @Test
    @Order(2)
    void strangersOnTheIpcChannelAreDisconnected() throws Exception {
        Map<Integer, Long> before = cluster.readyWorkers();
        Path path = cluster.ipcPath();
        // three strangers at once: garbage (an HTTP request), a well-formed HELLO with a wrong secret, silence
        CompletableFuture<Long> garbage = stranger(path,
                "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        CompletableFuture<Long> wrongSecret = stranger(path, hello(3, "not-the-secret-of-this-cluster"));
        CompletableFuture<Long> silent = stranger(path, new byte[0]);

        long garbageMs = garbage.get();
        long wrongSecretMs = wrongSecret.get();
        long silentMs = silent.get();
        assertTrue(garbageMs < 3000, "garbage: closed after " + garbageMs + " ms" + cluster.describe());
        assertTrue(wrongSecretMs < 3000, "wrong secret: closed after " + wrongSecretMs + " ms" + cluster.describe());
        assertTrue(silentMs < 10_000, "no HELLO: closed after " + silentMs + " ms" + cluster.describe());

        assertTrue(cluster.isAlive(), "the primary is up" + cluster.describe());
        assertEquals(before, cluster.readyWorkers(), "no worker was restarted" + cluster.describe());
        assertEquals(0, cluster.matches(PackagedCluster.EXITED).size(), cluster.describe());
        JsonNode r = NodeScript.run("cluster-smoke", cluster.uri(), "{\"clients\":4}", Duration.ofSeconds(60),
                "ClusterIpcIT");
        String all = "\n" + r.toPrettyString() + cluster.describe();
        assertEquals(0, r.path("connectFailures").size(), all);
        Set<Integer> workers = new HashSet<>();
        r.path("workers").forEach(w -> workers.add(w.asInt()));
        assertEquals(Set.of(1, 2), workers, "clients on both workers" + all);
        assertEquals("[2,2,2,2]", r.path("counts").toString(), all);
        assertEquals("[1,1,1,1]", r.path("chatReceived").toString(), all);
        assertEquals(r.path("expectedNames"), r.path("fetched"), all);
    }

    /**
     * {@code POST /cluster-fixture/garbage-frame} makes the worker that serves it write a frame of version 99 on its
     * link: the primary drops that link, the worker exits and is restarted; the primary and the other worker's clients
     * go on.
     */
    @Test
    @Order(3)
    void malformedFrameFromAWorkerRestartsOnlyThatWorker() throws Exception {
        Map<Integer, Long> before = cluster.readyWorkers();
        try (NodeScript script = NodeScript.start("cluster-failover", cluster.uri(), "{\"clients\":8}",
                "ClusterIpcIT")) {
            JsonNode connected = script.awaitPhase("connected", Duration.ofSeconds(30));
            assertEquals(Set.of(1, 2), NodeScript.workersOf(connected), "clients on both workers: " + connected);

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(cluster.uri()
                    + "/cluster-fixture/garbage-frame")).POST(HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, posted.statusCode(), posted.body() + cluster.describe());
            JsonNode culprit = MAPPER.readTree(posted.body());
            int worker = culprit.path("worker").asInt();
            long pid = culprit.path("pid").asLong();
            assertEquals(before.get(worker), pid, "served by worker " + worker + ": " + posted.body());

            long newPid = cluster.awaitRestart(worker, pid, Duration.ofSeconds(30)).newPid();
            int other = 3 - worker;
            assertEquals(before.get(other), cluster.readyWorkers().get(other),
                    "worker " + other + " was not restarted" + cluster.describe());
            List<PackagedCluster.Line> exits = cluster.matches(PackagedCluster.EXITED);
            assertEquals(1, exits.size(),
                    "one worker exit: " + exits.stream().map(PackagedCluster.Line::text).toList());

            script.send("recovered " + worker);
            Recovery.assertRecovered(script.result(Duration.ofSeconds(60)), worker, newPid, cluster);
        }
    }

    /** A HELLO control frame (kind 2, op 1) from {@code node} to the primary, with this secret. */
    private static byte[] hello(int node, String secret) {
        byte[] body = secret.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(4 + 6 + 1 + body.length);
        frame.putInt(6 + 1 + body.length).put((byte) 1).put((byte) 2).putShort((short) node).putShort((short) 0)
                .put((byte) 1).put(body);
        return frame.array();
    }

    /**
     * Connects to the IPC socket, writes {@code bytes}, and measures how long until the primary closes the connection
     * (end of stream or reset), at most 15 s.
     */
    private CompletableFuture<Long> stranger(Path path, byte[] bytes) {
        return CompletableFuture.supplyAsync(() -> {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(path));
                long started = System.nanoTime();
                ByteBuffer out = ByteBuffer.wrap(bytes);
                while (out.hasRemaining()) {
                    channel.write(out);
                }
                channel.configureBlocking(false);
                try (Selector selector = Selector.open()) {
                    channel.register(selector, SelectionKey.OP_READ);
                    ByteBuffer in = ByteBuffer.allocate(1024);
                    long deadline = started + Duration.ofSeconds(15).toNanos();
                    while (System.nanoTime() < deadline) {
                        selector.select(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                        selector.selectedKeys().clear();
                        in.clear();
                        int read;
                        try {
                            read = channel.read(in);
                        } catch (IOException reset) {
                            read = -1;
                        }
                        if (read < 0) {
                            return (System.nanoTime() - started) / 1_000_000;
                        }
                        // bytes the primary may write before closing are read and ignored
                    }
                    throw new AssertionError("the primary kept a stranger's connection open for 15 s");
                }
            } catch (IOException e) {
                throw new AssertionError("IPC connection to " + path + ": " + e, e);
            }
        }, strangers);
    }
}
