package io.quarkiverse.socketio.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Two users chat through the demo page in a real browser: the system Chromium ({@code /usr/bin/chromium}, or the
 * {@code chromium.executable} system property), driven by {@code src/test/js/browser-chat.mjs} with playwright-core
 * (see {@link NodeScript}).
 * The screenshot of both pages is left in {@code target/screenshots/chat.png}.
 */
final class BrowserChat {

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
        Files.createDirectories(SCREENSHOT.getParent());
        Files.deleteIfExists(SCREENSHOT);
        return NodeScript.runBrowser("browser-chat.mjs", RUN_TIMEOUT_SECONDS, url.toString(),
                SCREENSHOT.toAbsolutePath().toString());
    }
}
