package io.quarkiverse.socketio.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

import jakarta.inject.Inject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.it.fixtures.DisconnectReasons;
import io.quarkiverse.socketio.it.support.JavaClients;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The JavaScript {@code socket.io-client} (npm, the version pinned in {@code src/test/js/package.json}), driven by Node:
 * each test runs one scenario script of {@code src/test/js} against the server, over polling only, WebSocket only and
 * the default polling-then-upgrade, and asserts what the script observed (its one JSON result line).
 */
@QuarkusTest
class JsClientTest {

    private static final Path SCRIPTS = Path.of("src", "test", "js");
    private static final long SCENARIO_TIMEOUT_SECONDS = 30;

    @TestHTTPResource("/")
    URI base;

    @Inject
    DisconnectReasons reasons;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void connectRoot(String mode) throws Exception {
        JsonNode result = run("connect-root", mode);
        assertEquals(json("{}"), result.get("auth"));
        assertEquals(20, result.path("id").asText().length(), result.toString());
        assertEquals(false, result.path("recovered").asBoolean(true), "connection state recovery is off");
        assertEquals("default".equals(mode) ? "websocket" : mode, result.path("finalTransport").asText());
        if (!"default".equals(mode)) {
            assertEquals(mode, result.path("initialTransport").asText());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void connectCustomNamespaceWithAuth(String mode) throws Exception {
        JsonNode result = run("connect-custom-auth", mode);
        assertEquals("{\"token\":\"abc\",\"user\":{\"name\":\"ann\",\"tags\":[1,2]}}", result.get("auth").toString());
        assertTrue(result.path("connected").asBoolean());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void echoJsonAndBinary(String mode) throws Exception {
        JsonNode result = run("echo", mode);
        // compared as text: the key order must be kept too
        assertEquals(Expected.MIXED_ARGS, result.get("args").toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void ackFromServer(String mode) throws Exception {
        JsonNode result = run("ack-from-server", mode);
        assertEquals(Expected.MIXED_ARGS, result.get("args").toString());
        assertEquals("[\"only\"]", result.get("single").toString());
        assertEquals("[]", result.get("none").toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void ackFromClient(String mode) throws Exception {
        JsonNode result = run("ack-from-client", mode);
        assertEquals("[21,{\"$binary\":\"Bw==\"}]", result.get("question").toString());
        assertEquals("[{\"got\":[21,{\"$binary\":\"Bw==\"}]},{\"$binary\":\"CQg=\"},\"done\"]",
                result.get("answer").toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void rooms(String mode) throws Exception {
        JsonNode result = run("rooms", mode);
        assertEquals("{\"a\":[\"r1\"],\"b\":[\"r1\",\"vip\"],\"c\":[\"r2\"]}", result.get("joined").toString());
        assertEquals("[\"vip\"]", result.get("left").toString());
        assertEquals(Expected.ROOMS_NEWS, result.get("news").toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void middlewareReject(String mode) throws Exception {
        JsonNode result = run("middleware-reject", mode);
        JsonNode rejected = result.get("rejected");
        assertEquals(Expected.REJECTION_MESSAGE, rejected.path("message").asText());
        assertEquals(Expected.REJECTION_DATA, rejected.get("data").toString());
        assertFalse(rejected.path("connected").asBoolean(true));
        assertFalse(rejected.path("active").asBoolean(true), "a middleware error does not reconnect");
        assertEquals("{\"user\":\"ann\"}", result.get("welcome").toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void disconnectByClient(String mode) throws Exception {
        assertDisconnectReasons("disconnect-client", mode);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void disconnectByServer(String mode) throws Exception {
        assertDisconnectReasons("disconnect-server", mode);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void disconnectByServerWithClose(String mode) throws Exception {
        assertDisconnectReasons("disconnect-server-close", mode);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void connectionClosedByClient(String mode) throws Exception {
        assertDisconnectReasons("close-transport-client", mode);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void connectionClosedByServerOnMalformedPacket(String mode) throws Exception {
        assertDisconnectReasons("close-transport-server", mode);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void pingTimeout(String mode) throws Exception {
        JsonNode result = assertDisconnectReasons("ping-timeout", mode);
        assertTrue(result.path("pongsWithheld").asBoolean(), result.toString());
    }

    private JsonNode assertDisconnectReasons(String scenario, String mode) throws Exception {
        JsonNode result = run(scenario, mode);
        String[] expected = Expected.DISCONNECT_REASONS.get(scenario);
        assertEquals(expected[0], result.path("reason").asText(), "client-side reason");
        String id = result.path("id").asText();
        assertEquals(expected[1], reasons.of(id).get(5, TimeUnit.SECONDS).wireName(), "server-side reason of " + id);
        return result;
    }

    /** Runs {@code node <scenario>.mjs <url> <mode>} and returns its result line, after checking it succeeded. */
    private JsonNode run(String scenario, String mode) throws Exception {
        assertTrue(Files.isDirectory(SCRIPTS.resolve("node_modules").resolve("socket.io-client")),
                "socket.io-client is not installed: run `npm ci` in " + SCRIPTS.toAbsolutePath()
                        + " (the Maven build does it in generate-test-resources)");
        String url = "http://" + base.getHost() + ":" + base.getPort();
        File stdout = File.createTempFile(scenario + "-" + mode, ".out");
        File stderr = File.createTempFile(scenario + "-" + mode, ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(node(), scenario + ".mjs", url, mode)
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

    private static String node() {
        return System.getProperty("node.executable", "node");
    }

    private static String output(File stdout, File stderr) throws IOException {
        return "\n--- stdout\n" + Files.readString(stdout.toPath()) + "--- stderr\n" + Files.readString(stderr.toPath());
    }

    private static JsonNode json(String text) {
        return JavaClients.json(text);
    }
}
