package io.quarkiverse.socketio.devservices;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** {@code quarkus.devservices.enabled=false}, all Dev Services off: no Redis either, for an adapter without hosts. */
class DevServicesDisabledTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClass(RedisProcesses.class))
            .overrideConfigKey("quarkus.socketio.adapter", "redis")
            .overrideConfigKey("quarkus.devservices.enabled", "false");

    @Test
    void nothingIsStarted() {
        assertTrue(ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class).isEmpty());
        assertTrue(RedisProcesses.children().isEmpty(), "no redis-server child: " + RedisProcesses.children());
    }
}
