package io.quarkiverse.socketio.devservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.arc.Arc;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.deployment.client.RequestedRedisClientBuildItem;
import io.quarkus.test.QuarkusUnitTest;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * A named client ({@code quarkus.socketio.redis.client-name=shared}): the server goes to
 * {@code quarkus.redis.shared.hosts}, and the default client stays unset. As the adapter will, the client's bean is
 * requested by a build step ({@link RequestedRedisClientBuildItem}, no injection point names it) and looked up with the
 * {@link RedisClientName} qualifier.
 */
class RedisDevServiceNamedClientTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClass(RedisProcesses.class))
            .overrideConfigKey("quarkus.socketio.adapter", "redis-sharded")
            .overrideConfigKey("quarkus.socketio.redis.client-name", "shared")
            .addBuildChainCustomizer(chain -> chain
                    .addBuildStep(context -> context.produce(new RequestedRedisClientBuildItem("shared")))
                    .produces(RequestedRedisClientBuildItem.class)
                    .build());

    @Test
    void theNamedClientGetsTheServer() throws Exception {
        String hosts = ConfigProvider.getConfig().getValue("quarkus.redis.shared.hosts", String.class);
        assertTrue(hosts.matches("redis://127\\.0\\.0\\.1:\\d+"), hosts);
        assertTrue(ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class).isEmpty(),
                "the default client has no hosts");

        Redis shared = Arc.container().select(Redis.class, RedisClientName.Literal.of("shared")).get();
        assertEquals("PONG", shared.send(Request.cmd(Command.PING)).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).toString());
        // a Redis 7 server: sharded pub/sub, which the redis-sharded adapter needs, works on a standalone server
        assertEquals(0, shared.send(Request.cmd(Command.SPUBLISH).arg("socket.io#/#").arg("m")).toCompletionStage()
                .toCompletableFuture().get(10, TimeUnit.SECONDS).toInteger());
        long pid = RedisProcesses.serverPid(shared);
        assertTrue(RedisProcesses.child(pid).isPresent(),
                "pid " + pid + " is not a redis-server child of this JVM: " + RedisProcesses.children());
    }
}
