package io.quarkiverse.socketio.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.it.support.RawPollingClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Binary attachments over HTTP long-polling exactly as the official Java client (engine.io-client-java 2.1.0) sends
 * them: each in its own POST, {@code b} + base64 followed by a line feed (Android-style Base64 with default flags).
 * The Node.js server accepts it ({@code Buffer.from(data, "base64")} skips whitespace) and echoes the bytes.
 */
@QuarkusTest
class PollingBinaryInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TestHTTPResource("/")
    URI base;

    @Test
    void base64AttachmentWithATrailingLineFeedIsAccepted() throws Exception {
        try (RawPollingClient client = RawPollingClient.open(base)) {
            assertEquals("200 ok", client.post("40"));
            client.next(WAIT); // 40{"sid":...}
            client.next(WAIT); // 42["auth",{}]

            assertEquals("200 ok", client.post("451-[\"message\",{\"_placeholder\":true,\"num\":0}]"));
            assertEquals("200 ok", client.post("bAQID\n"));

            assertEquals("451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]", client.next(WAIT));
            assertEquals("bAQID", client.next(WAIT));
        }
    }
}
