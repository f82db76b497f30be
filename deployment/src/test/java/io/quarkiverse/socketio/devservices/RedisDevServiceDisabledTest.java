package io.quarkiverse.socketio.devservices;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** {@code quarkus.socketio.devservices.enabled=false}: no Redis is started, even for a Redis adapter without hosts. */
class RedisDevServiceDisabledTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClass(RedisProcesses.class))
            .overrideConfigKey("quarkus.socketio.adapter", "redis")
            .overrideConfigKey("quarkus.socketio.devservices.enabled", "false");

    @Test
    void nothingIsStarted() {
        assertTrue(ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class).isEmpty());
        assertTrue(RedisProcesses.children().isEmpty(), "no redis-server child: " + RedisProcesses.children());
    }
}
