package io.quarkiverse.socketio.samples.chat;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The chat in a real browser, on the application started by {@code @QuarkusTest} (one process). */
@QuarkusTest
class ChatBrowserTest {

    @TestHTTPResource("/")
    URI url;

    @Test
    void twoBrowsersChat() throws Exception {
        BrowserChat.chatAndCheck(url);
    }
}
