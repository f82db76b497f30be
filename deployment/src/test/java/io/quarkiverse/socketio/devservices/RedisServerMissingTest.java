package io.quarkiverse.socketio.devservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/**
 * A Redis adapter, no hosts, and no redis-server on the PATH: the build fails with one message that says what is missing
 * and how to fix it, without a stack trace of its own. Runs in the surefire execution {@code redis-server-missing},
 * whose PATH has no redis-server; skipped where redis-server is on the PATH.
 */
@EnabledIf("redisServerNotOnPath")
class RedisServerMissingTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .overrideConfigKey("quarkus.socketio.adapter", "redis")
            .assertException(e -> {
                Throwable root = e;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                assertEquals("io.quarkus.runtime.configuration.ConfigurationException", root.getClass().getName(),
                        String.valueOf(root));
                assertTrue(root.getMessage().startsWith("Dev Services for Socket.IO: quarkus.socketio.adapter=redis"
                        + " needs a Redis server, and redis-server is not on the PATH. Install Redis (Debian/Ubuntu:"
                        + " sudo apt-get install redis-server; macOS: brew install redis), or point the default Redis"
                        + " client at an existing Redis with quarkus.redis.hosts=redis://host:6379"), root.getMessage());
                assertEquals(0, root.getStackTrace().length);
            });

    @Test
    void failsTheBuild() {
    }

    static boolean redisServerNotOnPath() {
        String path = System.getenv("PATH");
        return path == null || Stream.of(path.split(File.pathSeparator))
                .noneMatch(dir -> Files.isExecutable(Path.of(dir, "redis-server")));
    }
}
