package io.quarkiverse.socketio.runtime.adapter.redis;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig.AdapterKind;
import io.quarkiverse.socketio.runtime.server.ClusterNode;
import io.quarkiverse.socketio.runtime.server.SocketIOServerImpl;
import io.quarkiverse.socketio.runtime.server.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * One real server of a Redis cluster in a test JVM: its own Socket.IO server on a free port, its own Vert.x Redis
 * client and {@link RedisAdapterFactory}, as a worker process of an application would have them (the Quarkus Redis
 * client is a Vert.x one). Official Java clients connect to {@link #port()}.
 */
final class RedisNode implements AutoCloseable {

    private final SocketIOServerImpl server;
    private final RedisAdapterFactory factory;
    private final HttpServer http;
    private final Redis redis;

    private RedisNode(SocketIOServerImpl server, RedisAdapterFactory factory, HttpServer http, Redis redis) {
        this.server = server;
        this.factory = factory;
        this.http = http;
        this.redis = redis;
    }

    /** The configuration of a server of this adapter kind, with more properties ({@code quarkus.socketio.*}). */
    static SocketIOConfig config(AdapterKind kind, Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(properties);
        all.put("quarkus.socketio.adapter", kind.name().toLowerCase().replace('_', '-'));
        return ClusterNode.config(all);
    }

    /** Starts a server whose adapters reach {@code redisServer}, and waits until it is subscribed. */
    static RedisNode start(Vertx vertx, RedisServerProcess redisServer, SocketIOConfig config) throws Exception {
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisServer.uri())
                .setMaxPoolSize(4).setMaxPoolWaiting(256));
        RedisAdapterFactory factory = new RedisAdapterFactory(vertx, redis, "test", config.adapter(), config);
        SocketIOServerImpl server = new SocketIOServerImpl(vertx, ClusterNode.MAPPER, config, factory);
        Router router = Router.router(vertx);
        server.mount(router);
        HttpServer http = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        TestClient.awaitCondition(() -> factory.unavailability().isEmpty(), "the server subscribes in Redis");
        return new RedisNode(server, factory, http, redis);
    }

    SocketIOServer server() {
        return server;
    }

    int port() {
        return http.actualPort();
    }

    RedisAdapterFactory factory() {
        return factory;
    }

    /** The adapter of a namespace of this server. */
    RedisAdapter adapter(String nsp) {
        RedisAdapter adapter = factory.adapter(nsp);
        if (adapter == null) {
            throw new AssertionError("no adapter for " + nsp);
        }
        return adapter;
    }

    /** This server's uid in a namespace. */
    String uid(String nsp) {
        return adapter(nsp).uid;
    }

    /** Closes the adapters (they say goodbye and unsubscribe), then the server. */
    @Override
    public void close() throws Exception {
        factory.close();
        server.stop();
        http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        redis.close();
    }
}
