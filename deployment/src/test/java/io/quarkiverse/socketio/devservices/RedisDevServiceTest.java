package io.quarkiverse.socketio.devservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

/**
 * A Redis adapter and a default Redis client without hosts: test mode starts redis-server as a child of this JVM and
 * gives the client {@code quarkus.redis.hosts}.
 */
class RedisDevServiceTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClass(RedisProcesses.class))
            .overrideConfigKey("quarkus.socketio.adapter", "redis");

    @Inject
    Redis redis;

    @Inject
    io.vertx.redis.client.Redis bareRedis;

    @ConfigProperty(name = "quarkus.redis.hosts")
    String hosts;

    @Test
    void theClientReachesARedisServerChildOfThisJvm() throws Exception {
        assertTrue(hosts.matches("redis://127\\.0\\.0\\.1:\\d+"), hosts);
        assertEquals("PONG", redis.send(Request.cmd(Command.PING)).await().atMost(Duration.ofSeconds(10)).toString());

        long pid = RedisProcesses.serverPid(bareRedis);
        assertTrue(RedisProcesses.child(pid).isPresent(),
                "pid " + pid + " is not a redis-server child of this JVM: " + RedisProcesses.children());
        assertEquals(1, RedisProcesses.children().size(), "one server: " + RedisProcesses.children());

        // its output goes to a log file under the build directory
        try (Stream<Path> files = Files.walk(Path.of("target"))) {
            Path log = files.filter(p -> p.endsWith(Path.of("socketio-dev-services", "redis-server-test.log")))
                    .findFirst().orElseThrow(() -> new AssertionError("no redis-server-test.log under target"));
            String text = Files.readString(log);
            assertTrue(text.contains("Ready to accept connections"), log + ":\n" + text);
        }
    }
}
