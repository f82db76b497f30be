package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A cluster scenario script of {@code src/test/js} ({@code cluster-*.mjs}, see {@code cluster-lib.mjs}) run with Node
 * against a cluster: {@code node cluster-<name>.mjs <url> <options json>}. Its JSON lines are collected as they come:
 * progress lines ({@code {"phase": ...}}) the test can wait for and answer on the script's stdin, and the final result
 * line ({@code {"scenario": ..., "ok": ...}}). Its stderr goes to {@code target/cluster-it/<log>-<script>.err}.
 */
final class NodeScript implements AutoCloseable {

    private static final Path SCRIPTS = Path.of("src", "test", "js");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String script;
    private final Process process;
    private final Path stderr;
    private final Writer stdin;
    private final List<JsonNode> lines = new CopyOnWriteArrayList<>();
    private final List<String> rawLines = new CopyOnWriteArrayList<>();

    private NodeScript(String script, Process process, Path stderr) {
        this.script = script;
        this.process = process;
        this.stderr = stderr;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts {@code script} (without {@code .mjs}) against {@code base}, with these options (a JSON object). */
    static NodeScript start(String script, URI base, String optionsJson, String logName) throws IOException {
        assertTrue(Files.isDirectory(SCRIPTS.resolve("node_modules").resolve("socket.io-client")),
                "socket.io-client is not installed: run `npm ci` in " + SCRIPTS.toAbsolutePath()
                        + " (the Maven build does it in generate-resources)");
        Files.createDirectories(PackagedCluster.LOG_DIR);
        Path stderr = PackagedCluster.LOG_DIR.resolve(logName + "-" + script + ".err").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(System.getProperty("node.executable", "node"), script + ".mjs",
                base.getScheme() + "://" + base.getHost() + ":" + base.getPort(), optionsJson)
                .directory(SCRIPTS.toFile())
                .redirectError(stderr.toFile());
        String debug = System.getProperty("js.debug");
        if (debug != null) {
            builder.environment().put("DEBUG", debug);
        }
        NodeScript node = new NodeScript(script, builder.start(), stderr);
        node.readOutput();
        return node;
    }

    /** Runs {@code script} to its end (at most {@code timeout}) and returns its successful result line. */
    /** The workers of the clients a phase lists ({@code clients: [{worker, ...}]}). */
    static Set<Integer> workersOf(JsonNode phase) {
        Set<Integer> workers = new TreeSet<>();
        phase.path("clients").forEach(c -> workers.add(c.path("worker").asInt()));
        return workers;
    }

    static JsonNode run(String script, URI base, String optionsJson, Duration timeout, String logName)
            throws Exception {
        try (NodeScript node = start(script, base, optionsJson, logName)) {
            return node.result(timeout);
        }
    }

    private void readOutput() {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    rawLines.add(line);
                    if (line.startsWith("{")) {
                        try {
                            lines.add(MAPPER.readTree(line));
                        } catch (IOException e) {
                            // kept in rawLines only
                        }
                    }
                }
            } catch (IOException e) {
                rawLines.add("[NodeScript] output reader: " + e);
            }
        }, "node-" + script);
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits for the progress line {@code {"phase": phase}}; fails when the script ends or fails first. */
    JsonNode awaitPhase(String phase, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (JsonNode line : lines) {
                if (phase.equals(line.path("phase").asText(null))) {
                    return line;
                }
                if (line.has("scenario")) {
                    fail(script + " ended before phase '" + phase + "': " + line + describe());
                }
            }
            if (!process.isAlive() && lines.stream().noneMatch(l -> phase.equals(l.path("phase").asText(null)))) {
                Thread.sleep(200);
                if (lines.stream().noneMatch(l -> phase.equals(l.path("phase").asText(null)))) {
                    fail(script + " exited (status " + process.exitValue() + ") before phase '" + phase + "'"
                            + describe());
                }
            }
            if (System.nanoTime() > deadline) {
                fail(script + ": no phase '" + phase + "' within " + timeout.toMillis() + " ms" + describe());
            }
            Thread.sleep(10);
        }
    }

    /** Whether the progress line {@code {"phase": phase}} was printed. */
    boolean hasPhase(String phase) {
        return lines.stream().anyMatch(l -> phase.equals(l.path("phase").asText(null)));
    }

    /** Writes one line to the script's stdin. */
    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** Waits for the script to end (at most {@code timeout}) and returns its result line, checked successful. */
    JsonNode result(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            fail(script + " still running after " + timeout.toMillis() + " ms" + describe());
        }
        Thread.sleep(100); // the reader's last lines
        List<JsonNode> results = lines.stream().filter(l -> l.has("scenario")).toList();
        if (results.size() != 1) {
            fail(script + " printed " + results.size() + " result lines, exit status " + process.exitValue()
                    + describe());
        }
        JsonNode result = results.get(0);
        assertTrue(result.path("ok").asBoolean(false),
                script + " failed: " + result.path("error").asText() + describe());
        assertEquals(0, process.exitValue(), script + " exit status" + describe());
        return result;
    }

    String describe() {
        String err;
        try {
            err = Files.readString(stderr);
        } catch (IOException e) {
            err = e.toString();
        }
        return "\n--- " + script + " stdout\n" + String.join("\n", rawLines) + "\n--- stderr (" + stderr + ")\n"
                + err;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
