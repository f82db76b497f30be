package io.quarkiverse.socketio.devservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.arc.Arc;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.test.QuarkusUnitTest;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * A named client ({@code quarkus.socketio.redis.client-name=shared}): the server goes to
 * {@code quarkus.redis.shared.hosts}, and the default client stays unset. Nothing of the application injects the
 * client: the extension's build makes it a bean, which the adapter looks up with the {@link RedisClientName}
 * qualifier, and the sharded adapter of each of the two in-JVM workers of test mode listens on that server.
 */
class RedisDevServiceNamedClientTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClass(RedisProcesses.class))
            .overrideConfigKey("quarkus.socketio.adapter", "redis-sharded")
            .overrideConfigKey("quarkus.socketio.redis.client-name", "shared");

    @Test
    void theNamedClientGetsTheServer() throws Exception {
        String hosts = ConfigProvider.getConfig().getValue("quarkus.redis.shared.hosts", String.class);
        assertTrue(hosts.matches("redis://127\\.0\\.0\\.1:\\d+"), hosts);
        assertTrue(ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class).isEmpty(),
                "the default client has no hosts");

        Redis shared = Arc.container().select(Redis.class, RedisClientName.Literal.of("shared")).get();
        assertEquals("PONG", shared.send(Request.cmd(Command.PING)).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).toString());
        // a Redis 7 server, whose sharded pub/sub the two workers' adapters subscribe to (a standalone server has it)
        assertEquals(2, shared.send(Request.cmd(Command.PUBSUB).arg("SHARDNUMSUB").arg("socket.io#/#"))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).get(1).toInteger(),
                "the sharded adapters of both in-JVM workers on the named client's server");
        long pid = RedisProcesses.serverPid(shared);
        assertTrue(RedisProcesses.child(pid).isPresent(),
                "pid " + pid + " is not a redis-server child of this JVM: " + RedisProcesses.children());
    }
}
