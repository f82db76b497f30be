package io.quarkiverse.socketio.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged demo ({@code target/quarkus-app}, built by quarkus:build in the package phase) started as the README
 * runs it: its {@code prod} profile makes it a cluster of two worker processes behind a primary. The primary's output
 * is collected; {@link #close()} kills whatever is left of the cluster.
 */
final class PackagedCluster implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("Socket.IO cluster worker \\d+ ready \\(pid (\\d+)\\)");
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private final Process primary;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final int port;
    private final List<Long> workerPids;

    private PackagedCluster(int port, List<String> systemProperties) throws Exception {
        this.port = port;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dquarkus.http.port=" + port);
        command.addAll(systemProperties);
        command.add("-jar");
        command.add(JAR.toString());
        primary = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(primary.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    log.add(line);
                }
            } catch (Exception e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        awaitLog("Socket.IO cluster primary listening on http://0.0.0.0:" + port + " with 2 workers", 60);
        workerPids = log.stream().map(READY::matcher).filter(Matcher::find).map(m -> Long.parseLong(m.group(1))).toList();
        assertEquals(2, workerPids.size(), logText());
    }

    /** Starts the packaged demo on a free port, with these {@code -Dname=value} options, and waits for its 2 workers. */
    static PackagedCluster start(String... systemProperties) throws Exception {
        assertTrue(JAR.toFile().isFile(), JAR + " is built by quarkus:build in the package phase");
        return new PackagedCluster(freePort(), List.of(systemProperties));
    }

    static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    /** The pids of the two worker processes, from their "ready" lines. */
    List<Long> workerPids() {
        return workerPids;
    }

    /** The cluster's output so far (the primary's and its workers'). */
    String logText() {
        return String.join("\n", log);
    }

    void awaitLog(String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (log.stream().noneMatch(line -> line.contains(text))) {
            if (!primary.isAlive() || System.nanoTime() > deadline) {
                fail("No log line '" + text + "'" + (primary.isAlive() ? "" : " (the primary exited)") + ":\n"
                        + logText());
            }
            Thread.sleep(50);
        }
    }

    /** SIGTERM stops the whole cluster: the primary exits with status 0 and the workers are gone. */
    void stopAndCheck() throws InterruptedException {
        primary.destroy();
        assertTrue(primary.waitFor(40, TimeUnit.SECONDS), "the primary stops after SIGTERM");
        assertEquals(0, primary.exitValue(), "exit status\n" + logText());
        for (long pid : workerPids) {
            assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "worker " + pid + " exited");
        }
    }

    @Override
    public void close() {
        if (primary.isAlive()) {
            primary.descendants().forEach(ProcessHandle::destroyForcibly);
            primary.destroyForcibly();
        }
    }
}
