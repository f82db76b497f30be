package io.quarkiverse.socketio.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The demo as the README runs it: the packaged application, which its {@code prod} profile makes a cluster of two
 * worker processes behind a primary. Alice and Bob chat in a real browser; least-connection routing puts the second
 * session on the other worker, so the member list ({@code fetchSockets}) and the messages cross the primary's relay.
 * Then SIGTERM stops the whole cluster, with status 0.
 */
class ChatClusterIT {

    private static final Pattern READY = Pattern.compile("Socket.IO cluster worker \\d+ ready \\(pid (\\d+)\\)");
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private Process primary;
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void kill() {
        if (primary != null && primary.isAlive()) {
            primary.descendants().forEach(ProcessHandle::destroyForcibly);
            primary.destroyForcibly();
        }
    }

    @Test
    void twoBrowsersChatThroughTheCluster() throws Exception {
        assertTrue(JAR.toFile().isFile(), JAR + " is built by quarkus:build in the package phase");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        primary = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port, "-jar", JAR.toString())
                .redirectErrorStream(true)
                .start();
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
        List<Long> workerPids = log.stream().map(READY::matcher).filter(Matcher::find)
                .map(m -> Long.parseLong(m.group(1))).toList();
        assertEquals(2, workerPids.size(), String.join("\n", log));

        BrowserChat.chatAndCheck(URI.create("http://127.0.0.1:" + port + "/"));

        primary.destroy();
        assertTrue(primary.waitFor(40, TimeUnit.SECONDS), "the primary stops after SIGTERM");
        assertEquals(0, primary.exitValue(), "exit status\n" + String.join("\n", log));
        for (long pid : workerPids) {
            assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "worker " + pid + " exited");
        }
    }

    private void awaitLog(String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (log.stream().noneMatch(line -> line.contains(text))) {
            if (!primary.isAlive() || System.nanoTime() > deadline) {
                fail("No log line '" + text + "'" + (primary.isAlive() ? "" : " (the primary exited)") + ":\n"
                        + String.join("\n", log));
            }
            Thread.sleep(50);
        }
    }
}
