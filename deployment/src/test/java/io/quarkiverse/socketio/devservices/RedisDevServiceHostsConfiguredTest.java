package io.quarkiverse.socketio.devservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** A Redis adapter whose client has hosts: Dev Services leaves them alone and starts nothing. */
class RedisDevServiceHostsConfiguredTest {

    static final String HOSTS = "redis://127.0.0.1:6399";

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClass(RedisProcesses.class))
            .overrideConfigKey("quarkus.socketio.adapter", "redis-streams")
            .overrideConfigKey("quarkus.redis.hosts", HOSTS);

    @Test
    void nothingIsStarted() {
        assertEquals(HOSTS, ConfigProvider.getConfig().getValue("quarkus.redis.hosts", String.class));
        assertTrue(RedisProcesses.children().isEmpty(), "no redis-server child: " + RedisProcesses.children());
    }
}
