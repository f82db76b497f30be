package io.quarkiverse.socketio.runtime.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterAdapterFactory;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterLink;
import io.quarkiverse.socketio.runtime.cluster.injvm.InJvmRelay;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/**
 * One server of an in-JVM test cluster: its own Socket.IO server, Engine.IO endpoint and HTTP server on a free port,
 * its own link to the relay and cluster adapters. (In this package to reach the server's mount and stop.)
 */
public final class ClusterNode {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private final SocketIOServerImpl server;
    private final ClusterLink link;
    private final ClusterAdapterFactory adapters;
    private final HttpServer http;

    private ClusterNode(SocketIOServerImpl server, ClusterLink link, ClusterAdapterFactory adapters, HttpServer http) {
        this.server = server;
        this.link = link;
        this.adapters = adapters;
        this.http = http;
    }

    /** The configuration defaults, as the application would get them with nothing configured. */
    public static SocketIOConfig defaultConfig() {
        return config(Map.of());
    }

    /** The configuration with these properties ({@code quarkus.socketio.*}), the defaults for the others. */
    public static SocketIOConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withMapping(SocketIOConfig.class)
                .build();
        return config.getConfigMapping(SocketIOConfig.class);
    }

    /** Starts a server joined to the relay. */
    public static ClusterNode start(Vertx vertx, InJvmRelay relay, SocketIOConfig config, Duration requestsTimeout)
            throws Exception {
        return start(vertx, relay, config, requestsTimeout, router -> {
        });
    }

    /** Starts a server joined to the relay; {@code routes} may add routes of its own to the server's router. */
    public static ClusterNode start(Vertx vertx, InJvmRelay relay, SocketIOConfig config, Duration requestsTimeout,
            Consumer<Router> routes) throws Exception {
        ClusterLink link = relay.join();
        ClusterAdapterFactory adapters = new ClusterAdapterFactory(vertx, link, MAPPER, requestsTimeout);
        SocketIOServerImpl server = new SocketIOServerImpl(vertx, MAPPER, config, adapters);
        Router router = Router.router(vertx);
        server.mount(router);
        routes.accept(router);
        HttpServer http = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new ClusterNode(server, link, adapters, http);
    }

    public SocketIOServer server() {
        return server;
    }

    public int node() {
        return link.self();
    }

    public int port() {
        return http.actualPort();
    }

    public ClusterAdapterFactory adapters() {
        return adapters;
    }

    /** Stops the server: its clients are disconnected, its HTTP server closed (the link is left as it is). */
    public void stopServer() throws Exception {
        server.stop();
        http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A clean stop: the adapters say goodbye, then the server stops and the link closes. */
    public void close() throws Exception {
        adapters.close();
        stopServer();
        link.close();
    }
}
