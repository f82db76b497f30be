package io.quarkiverse.socketio.runtime.adapter.redis;

import java.util.Optional;
import java.util.function.Function;

import io.quarkiverse.socketio.runtime.adapter.AdapterFactory;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig.AdapterKind;
import io.quarkus.arc.Arc;
import io.quarkus.redis.client.RedisClientName;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

/**
 * Where the Redis adapters get their Redis: the Quarkus Redis client of {@code quarkus.socketio.redis.client-name}
 * (the default client when unset). The only class the rest of the runtime calls, and only when a Redis adapter is
 * configured: the Redis client's classes are optional on the application's classpath.
 */
public final class RedisAdapters {

    private RedisAdapters() {
    }

    /**
     * Makes the adapters of each server of this process: one factory per server (one, or one per worker of the in-JVM
     * cluster), all on the same Redis client.
     *
     * @return given the event-loop context a server's adapters run on ({@code null}: one of their own), its factory
     */
    public static Function<Context, AdapterFactory> factories(Vertx vertx, AdapterKind kind,
            Optional<String> clientName, SocketIOConfig config) {
        Redis redis = clientName.isPresent()
                ? Arc.container().select(Redis.class, RedisClientName.Literal.of(clientName.get())).get()
                : Arc.container().select(Redis.class).get();
        String name = clientName.map(n -> "'" + n + "'").orElse("default");
        return context -> context == null ? new RedisAdapterFactory(vertx, redis, name, kind, config)
                : new RedisAdapterFactory(vertx, redis, name, kind, config, context);
    }
}
