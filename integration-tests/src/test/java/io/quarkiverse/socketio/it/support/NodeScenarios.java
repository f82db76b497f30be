package io.quarkiverse.socketio.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs a scenario script of {@code src/test/js} with Node ({@code node <scenario>.mjs <url> <mode>}, see its README)
 * and returns its result line, after checking that it succeeded.
 */
public final class NodeScenarios {

    private static final Path SCRIPTS = Path.of("src", "test", "js");
    private static final long SCENARIO_TIMEOUT_SECONDS = 30;

    private NodeScenarios() {
    }

    public static JsonNode run(URI base, String scenario, String mode) throws Exception {
        assertTrue(Files.isDirectory(SCRIPTS.resolve("node_modules").resolve("socket.io-client")),
                "socket.io-client is not installed: run `npm ci` in " + SCRIPTS.toAbsolutePath()
                        + " (the Maven build does it in generate-resources)");
        String url = "http://" + base.getHost() + ":" + base.getPort();
        File stdout = File.createTempFile(scenario + "-" + mode, ".out");
        File stderr = File.createTempFile(scenario + "-" + mode, ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(System.getProperty("node.executable", "node"),
                    scenario + ".mjs", url, mode)
                    .directory(SCRIPTS.toFile())
                    .redirectOutput(stdout)
                    .redirectError(stderr);
            String debug = System.getProperty("js.debug");
            if (debug != null) {
                // for instance -Djs.debug='engine*,socket.io*': the client's own log, printed after the run
                builder.environment().put("DEBUG", debug);
            }
            Process process = builder.start();
            if (!process.waitFor(SCENARIO_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                fail(scenario + " over " + mode + " still running after " + SCENARIO_TIMEOUT_SECONDS + " s"
                        + output(stdout, stderr));
            }
            List<String> lines = Files.readAllLines(stdout.toPath(), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("{"))
                    .toList();
            if (debug != null) {
                System.out.println("=== " + scenario + " over " + mode + output(stdout, stderr));
            }
            if (lines.size() != 1) {
                fail(scenario + " over " + mode + " printed " + lines.size() + " result lines, exit code "
                        + process.exitValue() + output(stdout, stderr));
            }
            JsonNode result = JavaClients.json(lines.get(0));
            assertEquals(scenario, result.path("scenario").asText(), result.toString());
            assertEquals(mode, result.path("mode").asText(), result.toString());
            assertTrue(result.path("ok").asBoolean(false),
                    scenario + " over " + mode + " failed: " + result.path("error").asText() + output(stdout, stderr));
            assertEquals(0, process.exitValue(), "exit code" + output(stdout, stderr));
            return result;
        } finally {
            stdout.delete();
            stderr.delete();
        }
    }

    private static String output(File stdout, File stderr) throws IOException {
        return "\n--- stdout\n" + Files.readString(stdout.toPath()) + "--- stderr\n" + Files.readString(stderr.toPath());
    }
}
