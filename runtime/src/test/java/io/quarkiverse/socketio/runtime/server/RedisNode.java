package io.quarkiverse.socketio.runtime.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.runtime.adapter.redis.RedisAdapterFactory;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig.AdapterKind;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * One server of a test cluster that shares Redis: its own Socket.IO server, HTTP server on a free port, Redis client
 * and Redis adapters, as a process of its own would have. (In this package to reach the server's constructor.)
 */
public final class RedisNode {

    private final SocketIOServerImpl server;
    private final RedisAdapterFactory adapters;
    private final HttpServer http;
    private final Redis redis;
    private boolean dead;

    private RedisNode(SocketIOServerImpl server, RedisAdapterFactory adapters, HttpServer http, Redis redis) {
        this.server = server;
        this.adapters = adapters;
        this.http = http;
        this.redis = redis;
    }

    /** The configuration defaults with these settings ({@code quarkus.socketio.*} keys). */
    public static SocketIOConfig config(Map<String, String> settings) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(settings, "test", 500))
                .withMapping(SocketIOConfig.class)
                .build();
        return config.getConfigMapping(SocketIOConfig.class);
    }

    /** Starts a server whose adapters of {@code kind} reach the Redis at {@code redisUri}. */
    public static RedisNode start(Vertx vertx, String redisUri, AdapterKind kind, SocketIOConfig config)
            throws Exception {
        return start(vertx, redisUri, kind, config, ProtocolVersion.RESP3);
    }

    /** @param protocol what the Redis client asks for (RESP3 is the Quarkus client's default, RESP2 its option) */
    public static RedisNode start(Vertx vertx, String redisUri, AdapterKind kind, SocketIOConfig config,
            ProtocolVersion protocol) throws Exception {
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUri).setMaxPoolSize(8)
                .setMaxPoolWaiting(256).setPreferredProtocolVersion(protocol));
        RedisAdapterFactory adapters = new RedisAdapterFactory(vertx, redis, "test", kind, config);
        SocketIOServerImpl server = new SocketIOServerImpl(vertx, ClusterNode.MAPPER, config, adapters);
        Router router = Router.router(vertx);
        server.mount(router);
        HttpServer http = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new RedisNode(server, adapters, http, redis);
    }

    public SocketIOServer server() {
        return server;
    }

    public int port() {
        return http.actualPort();
    }

    public RedisAdapterFactory adapters() {
        return adapters;
    }

    /** A clean stop: the clients are disconnected (their sessions kept), the adapters say goodbye, Redis closes. */
    public void stop() throws Exception {
        server.stop();
        http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redis.close();
    }

    /**
     * Stops as if the host had died: the adapters stop first (nothing more reaches Redis from this server), then every
     * connection drops at once without a word.
     */
    public void die() throws Exception {
        if (dead) {
            return;
        }
        dead = true;
        adapters.close();
        server.abort();
        http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redis.close();
    }
}
