package io.quarkiverse.socketio.devservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusDevModeTest;

/**
 * {@code quarkus dev} with the redis adapter: the Redis server outlives a live reload that keeps its configuration,
 * and is replaced (the old process stopped) when its configuration changes.
 */
class RedisDevServiceDevModeTest {

    static final int PORT = 8093;
    static final URI BASE = URI.create("http://localhost:" + PORT + "/");
    private static final Pattern INFO = Pattern.compile("(v\\d) pid=(\\d+) port=(\\d+)");
    /** HTTP/1.1: dev mode holds such a request until its reload is done. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @RegisterExtension
    static final QuarkusDevModeTest TEST = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClass(RedisInfoRoute.class)
                    .addAsResource(new StringAsset("quarkus.http.port=" + PORT + "\n"
                            + "quarkus.socketio.adapter=redis\n"), "application.properties"));

    @Test
    void keptAcrossReloadsReplacedWhenItsConfigurationChanges() throws Exception {
        Matcher first = info();
        assertEquals("v1", first.group(1));
        long pid = Long.parseLong(first.group(2));
        assertTrue(RedisProcesses.child(pid).isPresent(), "a redis-server child: " + RedisProcesses.children());

        // a code change: the application restarts, the Redis server stays
        TEST.modifySourceFile(RedisInfoRoute.class, source -> source.replace("\"v1 pid=", "\"v2 pid="));
        Matcher second = info();
        assertEquals("v2", second.group(1));
        assertEquals(pid, Long.parseLong(second.group(2)), "the same redis-server");

        // its configuration changes: a new server, the old one stopped
        int fixed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            fixed = socket.getLocalPort();
        }
        TEST.modifyResourceFile("application.properties",
                properties -> properties + "quarkus.socketio.devservices.port=" + fixed + "\n");
        Matcher third = info();
        long newPid = Long.parseLong(third.group(2));
        assertNotEquals(pid, newPid, "a new redis-server");
        assertEquals(fixed, Integer.parseInt(third.group(3)));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the old one stopped");
        assertEquals(1, RedisProcesses.children().size(), "one server: " + RedisProcesses.children());
    }

    private static Matcher info() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(BASE.resolve("/redis-info"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        Matcher m = INFO.matcher(response.body());
        assertTrue(m.matches(), response.body());
        return m;
    }
}
