package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.socketio.runtime.cluster.primary.ClusterControl;

/**
 * The primary as a control plane, on the packaged application run as real processes: the operator commands through
 * the CLI mode of the application ({@code java -jar quarkus-run.jar socketio <command>}), while real clients and a
 * REST client keep using the cluster, and the management endpoints.
 */
@Tag("cluster")
class ClusterControlIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SETTLE = Duration.ofSeconds(60);

    /** What a command printed and how it exited. */
    record Answer(int status, String output) {
    }

    @Test
    void reloadUnderLoadDropsNoRequestAndEveryClientComesBack() throws Exception {
        try (PackagedCluster cluster = PackagedCluster.start("control-reload");
                NodeScript clients = NodeScript.start("cluster-operate", cluster.uri(), "{\"clients\":200}",
                        "control-reload")) {
            JsonNode connected = clients.awaitPhase("connected", Duration.ofSeconds(60));
            Map<Integer, Long> before = cluster.readyWorkers();
            assertEquals(2, before.size(), cluster.describe());
            assertEquals(Set.copyOf(before.values()), pids(connected.get("pids")), "the clients are on both workers");

            Answer reload = cli(cluster, "reload");
            assertEquals(0, reload.status(), reload.output());
            assertTrue(reload.output().contains("reloaded 2 workers"), reload.output());
            assertEquals(List.of("2", "2"), statusJson(cluster).findValuesAsText("generation"),
                    "both workers run configuration generation 2");

            Map<Integer, Long> after = cluster.readyWorkers();
            for (int index : List.of(1, 2)) {
                assertFalse(before.get(index).equals(after.get(index)), "worker " + index + " has a new pid: "
                        + before + " -> " + after);
                assertFalse(PackagedCluster.alive(before.get(index)), "the old worker " + index + " exited");
            }
            clients.send("settle 2 " + JSON.writeValueAsString(before.values()));
            JsonNode settled = clients.awaitPhase("settled-1", SETTLE);
            assertEquals(Set.copyOf(after.values()), pids(settled.get("pids")), "every client is on a new worker");
            assertEquals(200, settled.get("fetched").asInt(), "fetchSockets finds all 200 again");
            assertTrue(settled.get("maxGapMs").asLong() <= 10_000, "each client was back within 10 s: " + settled);

            clients.send("finish");
            JsonNode result = clients.result(Duration.ofSeconds(60));
            System.out.println("Reload under load: " + settled + " then " + result);
            assertEquals(0, result.get("restFailureCount").asInt(), "REST calls that failed during the reload: "
                    + result.get("restFailures"));
            assertTrue(result.get("restCalls").asInt() > 100, "the REST client kept calling: " + result);
            assertTrue(pids(result.get("restPids").properties().stream().map(Map.Entry::getKey).toList())
                    .containsAll(after.values()), "the new workers answered REST calls: " + result.get("restPids"));
            assertEquals(200, result.get("chatReceivedOnce").asInt(), "a broadcast after the reload: " + result);
        }
    }

    @Test
    void scaleUpAndDownIsFollowedByStatusServerCountAndClients() throws Exception {
        try (PackagedCluster cluster = PackagedCluster.start("control-scale");
                NodeScript clients = NodeScript.start("cluster-operate", cluster.uri(), "{\"clients\":60}",
                        "control-scale")) {
            clients.awaitPhase("connected", Duration.ofSeconds(60));

            Answer up = cli(cluster, "scale", "3");
            assertEquals(0, up.status(), up.output());
            clients.send("settle 3");
            JsonNode three = clients.awaitPhase("settled-1", SETTLE);
            assertEquals(3, three.get("serverCount").asInt());
            assertStatusMatches(cluster, 3, three.get("fetched").asInt());

            Map<Integer, Long> beforeDown = cluster.readyWorkers();
            Answer down = cli(cluster, "scale", "1");
            assertEquals(0, down.status(), down.output());
            assertTrue(down.output().contains("worker 3: stopped") && down.output().contains("worker 2: stopped"),
                    down.output());
            clients.send("settle 1 " + JSON.writeValueAsString(List.of(beforeDown.get(2), beforeDown.get(3))));
            JsonNode one = clients.awaitPhase("settled-2", SETTLE);
            assertEquals(1, one.get("serverCount").asInt());
            assertEquals(Set.of(beforeDown.get(1)), pids(one.get("pids")), "the clients of the removed workers "
                    + "reconnected to worker 1");
            assertEquals(60, one.get("fetched").asInt());
            assertStatusMatches(cluster, 1, 60);
            assertFalse(PackagedCluster.alive(beforeDown.get(2)) || PackagedCluster.alive(beforeDown.get(3)),
                    "the removed workers exited");

            clients.send("finish");
            assertEquals(60, clients.result(Duration.ofSeconds(60)).get("chatReceivedOnce").asInt());
        }
    }

    @Test
    void aReplacementThatCannotStartLeavesTheOldWorkerServing() throws Exception {
        Path crashFile = Files.createTempFile("crash-worker", ".txt");
        Files.delete(crashFile);
        try (PackagedCluster cluster = PackagedCluster.start("control-bad-replacement",
                "-D" + "cluster-fixture.crash-worker-file=" + crashFile,
                "-Dquarkus.socketio.cluster.worker-start-timeout=20s")) {
            Map<Integer, Long> before = cluster.readyWorkers();
            // what a bad configuration does: the next process of worker 1 dies while it starts
            Files.writeString(crashFile, "1");

            Answer reload = cli(cluster, "reload");
            assertEquals(1, reload.status(), reload.output());
            assertTrue(reload.output().contains("worker 1: the replacement did not become ready"), reload.output());
            assertTrue(reload.output().contains("the old worker keeps serving"), reload.output());

            assertTrue(PackagedCluster.alive(before.get(1)) && PackagedCluster.alive(before.get(2)),
                    "both old workers still run");
            JsonNode status = statusJson(cluster);
            assertEquals(List.of(before.get(1), before.get(2)), pidsOf(status), "status: " + status);
            assertTrue(status.findValuesAsText("state").stream().allMatch("READY"::equals), "status: " + status);
            assertEquals(List.of("1", "1"), status.findValuesAsText("generation"),
                    "the old workers still run generation 1: " + status);
            Answer text = cli(cluster, "status");
            assertTrue(text.output().contains("configuration generation 2"), "the generation wanted: " + text.output());
            Files.delete(crashFile);
            try (NodeScript clients = NodeScript.start("cluster-operate", cluster.uri(), "{\"clients\":20}",
                    "control-bad-replacement")) {
                clients.awaitPhase("connected", Duration.ofSeconds(60));
                clients.send("settle 2");
                assertEquals(20, clients.awaitPhase("settled-1", SETTLE).get("fetched").asInt(),
                        "the cluster still serves on both workers");
                clients.send("finish");
                assertEquals(20, clients.result(Duration.ofSeconds(60)).get("chatReceivedOnce").asInt());
            }
        } finally {
            Files.deleteIfExists(crashFile);
        }
    }

    @Test
    void onlyTheOwnerWithTheSecretMayCommandAndActionsAreOffByDefault() throws Exception {
        int managementPort;
        try (ServerSocket free = new ServerSocket(0)) {
            managementPort = free.getLocalPort();
        }
        try (PackagedCluster cluster = PackagedCluster.start("control-access",
                "-Dquarkus.management.port=" + managementPort)) {
            Path directory = ClusterControl.directory(cluster.port());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
            assertEquals("rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("control.secret"))));

            // the socket without the secret
            try (SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                socket.connect(UnixDomainSocketAddress.of(directory.resolve("control.sock")));
                new PrintStream(Channels.newOutputStream(socket), true, StandardCharsets.UTF_8).println("guess stop");
                String answer = new BufferedReader(new InputStreamReader(Channels.newInputStream(socket),
                        StandardCharsets.UTF_8)).readLine();
                assertTrue(answer.startsWith("ERROR refused"), answer);
            }
            assertTrue(cluster.isAlive(), "a command without the secret does nothing");
            if ("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
                // another user can neither read the secret nor reach the socket
                Process other = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                        "--clear-groups", "cat", directory.resolve("control.secret").toString())
                        .redirectErrorStream(true).start();
                String output = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(other.waitFor(10, TimeUnit.SECONDS));
                assertTrue(other.exitValue() != 0 && output.contains("Permission denied"), output);
            }

            // the management endpoints: status and health answer, actions are refused unless enabled
            HttpClient http = HttpClient.newHttpClient();
            URI management = URI.create("http://127.0.0.1:" + managementPort + "/q/");
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(management.resolve("socketio/status"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode());
            assertEquals(Set.copyOf(cluster.readyWorkers().values()), Set.copyOf(pidsOf(JSON.readTree(status.body()))));
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(management.resolve("health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
            assertEquals("UP", JSON.readTree(ready.body()).get("status").asText());
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(management.resolve("socketio/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode(), metrics.body());
            assertTrue(metrics.body().contains("\nsocketio_cluster_workers_ready 2\n"), metrics.body());
            // the workers' adapters greet each other through the relay as soon as they start
            java.util.regex.Matcher frames = java.util.regex.Pattern
                    .compile("(?m)^socketio_cluster_relay_frames_total (\\d+)$").matcher(metrics.body());
            java.util.regex.Matcher bytes = java.util.regex.Pattern
                    .compile("(?m)^socketio_cluster_relay_bytes_total (\\d+)$").matcher(metrics.body());
            assertTrue(frames.find() && Long.parseLong(frames.group(1)) > 0, metrics.body());
            assertTrue(bytes.find() && Long.parseLong(bytes.group(1)) > Long.parseLong(frames.group(1)),
                    "more bytes than frames: " + metrics.body());
            for (String action : List.of("reload", "stop", "scale?workers=3")) {
                HttpResponse<String> refused = http.send(HttpRequest.newBuilder(management.resolve("socketio/" + action))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(403, refused.statusCode(), action + ": " + refused.body());
            }
            assertEquals(cluster.readyWorkers().size(), 2);
            assertTrue(cluster.isAlive());
            Answer stop = cli(cluster, "stop");
            assertEquals(0, stop.status(), stop.output());
            assertEquals(0, cluster.awaitExit(Duration.ofSeconds(40)), "stop ends the cluster with status 0");
        }
    }

    /** The status rows match the processes: one per worker, ready, alive, and as many sockets as fetchSockets. */
    private static void assertStatusMatches(PackagedCluster cluster, int workers, int sockets) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode status;
        while (true) {
            status = statusJson(cluster);
            int reported = 0;
            for (JsonNode row : status) {
                reported += row.get("sockets").asInt();
            }
            // the workers report their sockets every second
            if (reported == sockets || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals(workers, status.size(), "status: " + status);
        int reported = 0;
        for (JsonNode row : status) {
            assertEquals("READY", row.get("state").asText(), "status: " + status);
            assertTrue(PackagedCluster.alive(row.get("pid").asLong()), "pid " + row.get("pid") + " runs");
            assertTrue(row.get("rssKb").asLong() > 0, "status: " + status);
            reported += row.get("sockets").asInt();
        }
        assertEquals(sockets, reported, "status sockets = fetchSockets: " + status);
    }

    private static JsonNode statusJson(PackagedCluster cluster) throws Exception {
        Answer answer = cli(cluster, "status", "--json");
        assertEquals(0, answer.status(), answer.output());
        return JSON.readTree(answer.output());
    }

    private static List<Long> pidsOf(JsonNode status) {
        List<Long> pids = new ArrayList<>();
        status.forEach(row -> pids.add(row.get("pid").asLong()));
        return pids;
    }

    private static Set<Long> pids(JsonNode array) {
        Set<Long> pids = new HashSet<>();
        array.forEach(pid -> pids.add(pid.asLong()));
        return pids;
    }

    private static Set<Long> pids(List<String> texts) {
        Set<Long> pids = new HashSet<>();
        texts.forEach(pid -> pids.add(Long.parseLong(pid)));
        return pids;
    }

    /** Runs the application in its CLI mode against the cluster's primary. */
    static Answer cli(PackagedCluster cluster, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + cluster.port(), "-jar", PackagedCluster.JAR.toString(), "socketio"));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "socketio " + String.join(" ", command) + " ended");
        return new Answer(process.exitValue(), output.trim());
    }
}
