package io.quarkiverse.socketio.samples.chat;

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
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Two users chat through the demo page in a real browser: the system Chromium ({@code /usr/bin/chromium}, or the
 * {@code chromium.executable} system property), driven by {@code src/test/js/browser-chat.mjs} with playwright-core.
 * The screenshot of both pages is left in {@code target/screenshots/chat.png}.
 */
final class BrowserChat {

    private static final Path SCRIPTS = Path.of("src", "test", "js");
    private static final Path SCREENSHOT = Path.of("target", "screenshots", "chat.png");
    private static final long RUN_TIMEOUT_SECONDS = 60;
    private static final String TEXT = "Hello Bob, café at five?";
    private static final String REPLY = "Sure, see you there!";

    private BrowserChat() {
    }

    /** Alice and Bob join the page at {@code url}, exchange a message each, and see what a user expects. */
    static void chatAndCheck(URI url) throws Exception {
        JsonNode result = run(url);
        assertEquals("[\"Alice\",\"Bob\"]", result.get("members").get("alice").toString(), "Alice's member list");
        assertEquals("[\"Alice\",\"Bob\"]", result.get("members").get("bob").toString(), "Bob's member list");
        assertEquals("[{\"from\":\"Alice\",\"text\":\"" + TEXT + "\"}]", result.get("received").get("bob").toString(),
                "the messages Bob's page shows from others");
        assertEquals("[{\"from\":\"Bob\",\"text\":\"" + REPLY + "\"}]", result.get("received").get("alice").toString(),
                "the messages Alice's page shows from others");
        assertSentWithReceipt(TEXT, result.get("sent").get("alice"));
        assertSentWithReceipt(REPLY, result.get("sent").get("bob"));
        assertEquals("[\"Bob joined\"]", result.get("notices").get("alice").toString());
        assertEquals("[]", result.get("errors").toString(), "errors in the pages");
        assertTrue(Files.size(SCREENSHOT) > 10_000, "screenshot " + SCREENSHOT.toAbsolutePath());
    }

    /** The page shows exactly this message as sent by its user, with the server's receipt: "✓ time · id". */
    private static void assertSentWithReceipt(String text, JsonNode sent) {
        assertEquals(1, sent.size(), "sent messages: " + sent);
        assertEquals(text, sent.get(0).path("text").asText(), "sent messages: " + sent);
        String id = sent.get(0).path("id").asText();
        assertEquals(36, id.length(), "receipt id (a UUID): " + sent);
        assertTrue(sent.get(0).path("receipt").asText().matches("✓ .+ · " + id.substring(0, 8)), "receipt shown: " + sent);
    }

    /** Runs {@code node browser-chat.mjs <url> <screenshot>} and returns its result line, after checking it succeeded. */
    private static JsonNode run(URI url) throws Exception {
        assertTrue(Files.isDirectory(SCRIPTS.resolve("node_modules").resolve("playwright-core")),
                "playwright-core is not installed: run `npm ci` in " + SCRIPTS.toAbsolutePath()
                        + " (the Maven build does it in generate-test-resources)");
        String chromium = System.getProperty("chromium.executable", "/usr/bin/chromium");
        assertTrue(Files.isExecutable(Path.of(chromium)), chromium + " not found: apt-get install chromium");
        Files.createDirectories(SCREENSHOT.getParent());
        Files.deleteIfExists(SCREENSHOT);

        File stdout = File.createTempFile("browser-chat", ".out");
        File stderr = File.createTempFile("browser-chat", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(System.getProperty("node.executable", "node"), "browser-chat.mjs",
                    url.toString(), SCREENSHOT.toAbsolutePath().toString())
                    .directory(SCRIPTS.toFile())
                    .redirectOutput(stdout)
                    .redirectError(stderr);
            builder.environment().put("CHROMIUM", chromium);
            Process process = builder.start();
            if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                fail("browser-chat.mjs still running after " + RUN_TIMEOUT_SECONDS + " s" + output(stdout, stderr));
            }
            List<String> lines = Files.readAllLines(stdout.toPath(), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("{"))
                    .toList();
            if (lines.size() != 1) {
                fail("browser-chat.mjs printed " + lines.size() + " result lines, exit code " + process.exitValue()
                        + output(stdout, stderr));
            }
            JsonNode result = new ObjectMapper().readTree(lines.get(0));
            assertTrue(result.path("ok").asBoolean(false),
                    "browser-chat.mjs failed: " + result.path("error").asText() + output(stdout, stderr));
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
