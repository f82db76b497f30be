package io.quarkiverse.socketio.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A script of {@code src/test/js} (an npm project, installed by {@code npm ci} in generate-test-resources) run with
 * Node.js ({@code node}, or the {@code node.executable} system property). The browser scripts drive the system
 * Chromium ({@code /usr/bin/chromium}, or the {@code chromium.executable} system property) with playwright-core.
 */
final class NodeScript {

    static final Path SCRIPTS = Path.of("src", "test", "js");

    private NodeScript() {
    }

    /**
     * Runs a browser script, which prints one JSON line, {@code {"ok":true,...}} or {@code {"ok":false,"error":...}};
     * fails unless it says ok and exits with 0, and returns that line.
     */
    static JsonNode runBrowser(String script, long timeoutSeconds, String... args) throws Exception {
        String chromium = System.getProperty("chromium.executable", "/usr/bin/chromium");
        assertTrue(Files.isExecutable(Path.of(chromium)), chromium + " not found: apt-get install chromium");
        Result run = run(script, timeoutSeconds, chromium, args);
        List<String> lines = run.stdout().lines().filter(line -> line.startsWith("{")).toList();
        if (lines.size() != 1) {
            fail(script + " printed " + lines.size() + " result lines, exit code " + run.exitCode() + run);
        }
        JsonNode result = new ObjectMapper().readTree(lines.get(0));
        assertTrue(result.path("ok").asBoolean(false), script + " failed: " + result.path("error").asText() + run);
        assertEquals(0, run.exitCode(), "exit code" + run);
        return result;
    }

    /** Runs a script that prints a value, and returns its output, stripped; fails unless it exits with 0. */
    static String output(String script, String... args) throws Exception {
        Result run = run(script, 30, null, args);
        assertEquals(0, run.exitCode(), "exit code" + run);
        return run.stdout().strip();
    }

    private record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private static Result run(String script, long timeoutSeconds, String chromium, String... args) throws Exception {
        assertTrue(Files.isDirectory(SCRIPTS.resolve("node_modules").resolve("playwright-core")),
                "the npm project is not installed: run `npm ci` in " + SCRIPTS.toAbsolutePath()
                        + " (the Maven build does it in generate-test-resources)");
        File stdout = File.createTempFile("node-script", ".out");
        File stderr = File.createTempFile("node-script", ".err");
        try {
            List<String> command = new ArrayList<>(List.of(System.getProperty("node.executable", "node"), script));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(SCRIPTS.toFile())
                    .redirectOutput(stdout)
                    .redirectError(stderr);
            if (chromium != null) {
                builder.environment().put("CHROMIUM", chromium);
            }
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                fail(script + " still running after " + timeoutSeconds + " s" + read(-1, stdout, stderr));
            }
            return read(process.exitValue(), stdout, stderr);
        } finally {
            stdout.delete();
            stderr.delete();
        }
    }

    private static Result read(int exitCode, File stdout, File stderr) throws IOException {
        return new Result(exitCode, Files.readString(stdout.toPath(), StandardCharsets.UTF_8),
                Files.readString(stderr.toPath(), StandardCharsets.UTF_8));
    }
}
