package io.quarkiverse.socketio.it.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.runtime.engine.EngineOptions;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * The handshake cookie (Node's {@code cookie} option, {@code quarkus.socketio.cookie.*}) on the wire: the answer that
 * opens a session sets it, over polling and over WebSocket, and no other answer does.
 */
@QuarkusTest
class EngineCookieTest {

    @TestHTTPResource("/engine.io/")
    URL url;

    @Inject
    io.vertx.core.Vertx vertx;

    static EngineOptions withCookie(EngineOptions.Cookie cookie) {
        return EngineOptions.defaults().withHeartbeat(Duration.ofSeconds(25), Duration.ofSeconds(20)).withCookie(cookie);
    }

    @Test
    void noCookieUnlessConfigured() throws Exception {
        URI base = url.toURI();
        HttpResponse<String> handshake = PollingClient.get(base, "EIO=4&transport=polling");
        assertEquals(200, handshake.statusCode());
        assertEquals(List.of(), handshake.headers().allValues("Set-Cookie"));
        RawAnswer ws = RawAnswer.webSocketHandshake(base, "EIO=4&transport=websocket");
        assertEquals(101, ws.status, ws.head);
        assertEquals(List.of(), ws.header("set-cookie"), ws.head);
    }

    @Test
    void thePollingHandshakeSetsItAndNothingElseDoes() throws Exception {
        try (PrivateEngineServer server = PrivateEngineServer.start(vertx, withCookie(EngineOptions.Cookie.DEFAULT))) {
            HttpResponse<String> handshake = PollingClient.get(server.base, "EIO=4&transport=polling");
            assertEquals(200, handshake.statusCode());
            String sid = new JsonObject(handshake.body().substring(1)).getString("sid");
            assertEquals(List.of("io=" + sid + "; Path=/; HttpOnly; SameSite=Lax"),
                    handshake.headers().allValues("Set-Cookie"), "what Node writes with `cookie: true`");

            String query = "EIO=4&transport=polling&sid=" + sid;
            HttpResponse<String> post = PollingClient.post(server.base, query, "4hello");
            assertEquals("ok", post.body());
            assertEquals(List.of(), post.headers().allValues("Set-Cookie"), "POST");
            HttpResponse<String> get = PollingClient.get(server.base, query);
            assertEquals("4hello", get.body());
            assertEquals(List.of(), get.headers().allValues("Set-Cookie"), "GET");

            RawAnswer upgrade = RawAnswer.webSocketHandshake(server.base, "EIO=4&transport=websocket&sid=" + sid);
            assertEquals(101, upgrade.status, upgrade.head);
            assertEquals(List.of(), upgrade.header("set-cookie"), "the upgrade of a polling session" + upgrade.head);
        }
    }

    @Test
    void aSessionOpenedOverWebSocketGetsItOnTheUpgradeAnswer() throws Exception {
        EngineOptions.Cookie cookie = new EngineOptions.Cookie("sio", "/engine.io/", null, false, true, "Strict",
                Duration.ofMinutes(10));
        try (PrivateEngineServer server = PrivateEngineServer.start(vertx, withCookie(cookie))) {
            RawAnswer ws = RawAnswer.webSocketHandshake(server.base, "EIO=4&transport=websocket");
            assertEquals(101, ws.status, ws.head);
            assertTrue(ws.firstFrame.startsWith("0{"), ws.firstFrame);
            String sid = new JsonObject(ws.firstFrame.substring(1)).getString("sid");
            assertEquals(List.of("sio=" + sid + "; Max-Age=600; Path=/engine.io/; Secure; SameSite=Strict"),
                    ws.header("set-cookie"), "the cookie names the session of the open packet" + ws.head);
        }
    }

    /** The head of an HTTP answer to a WebSocket upgrade request written by hand, and the first frame's text. */
    static final class RawAnswer {
        final int status;
        final String head;
        final String firstFrame;

        private RawAnswer(String head, String firstFrame) {
            this.head = head;
            this.status = Integer.parseInt(head.split(" ", 3)[1]);
            this.firstFrame = firstFrame;
        }

        List<String> header(String name) {
            List<String> values = new ArrayList<>();
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                    values.add(line.substring(colon + 1).trim());
                }
            }
            return values;
        }

        static RawAnswer webSocketHandshake(URI base, String query) throws IOException {
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + base.getPath() + "?" + query + " HTTP/1.1\r\nHost: " + base.getHost() + ":"
                        + base.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    head.write(b);
                }
                String text = head.toString(StandardCharsets.ISO_8859_1);
                String frame = "";
                if (text.startsWith("HTTP/1.1 101") && query.indexOf("sid=") < 0) {
                    in.read(); // FIN + text opcode
                    int length = in.read() & 0x7f;
                    if (length == 126) {
                        length = (in.read() << 8) | in.read();
                    }
                    frame = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                }
                return new RawAnswer(text, frame);
            }
        }
    }
}
