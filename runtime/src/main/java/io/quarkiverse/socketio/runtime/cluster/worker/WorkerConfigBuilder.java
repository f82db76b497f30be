package io.quarkiverse.socketio.runtime.cluster.worker;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.netty.channel.epoll.Epoll;
import io.quarkiverse.socketio.runtime.cluster.SocketHandoff;
import io.quarkiverse.socketio.runtime.cluster.WorkerEnvironment;
import io.quarkus.runtime.configuration.ConfigBuilder;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * In a worker process, puts the HTTP server where the primary expects it, above every other configuration source
 * (the worker's command line repeats the primary's, {@code -Dquarkus.http.port} included): plain HTTP on the loopback
 * port the primary chose, with the {@code X-Forwarded-*} headers the primary adds trusted, so that the handshake
 * address is the client's; its management interface, when the application has one, on a random loopback port (the
 * primary serves the cluster's on the configured one); Vert.x on Linux's native transport, when it is there, so that
 * the primary can hand connections over ({@link SocketHandoff}). Adds nothing in other processes.
 */
public class WorkerConfigBuilder implements ConfigBuilder {

    /** Above system properties (400). */
    static final int ORDINAL = 500;

    @Override
    public SmallRyeConfigBuilder configBuilder(SmallRyeConfigBuilder builder) {
        Optional<WorkerEnvironment> worker = WorkerEnvironment.current();
        if (worker.isEmpty()) {
            return builder;
        }
        String port = Integer.toString(worker.get().httpPort());
        Map<String, String> properties = new HashMap<>(Map.of(
                "quarkus.http.host", "127.0.0.1",
                "quarkus.http.port", port,
                "quarkus.http.ssl-port", "0",
                "quarkus.http.insecure-requests", "enabled",
                "quarkus.http.proxy.proxy-address-forwarding", "true",
                "quarkus.http.proxy.allow-x-forwarded", "true",
                "quarkus.management.host", "127.0.0.1",
                "quarkus.management.port", "0"));
        if (Epoll.isAvailable()) {
            // the connections the primary hands over are epoll channels: they join the HTTP server's event loops
            properties.put("quarkus.vertx.prefer-native-transport", "true");
        }
        return builder.withSources(new PropertiesConfigSource(properties, "socketio-cluster-worker", ORDINAL));
    }
}
