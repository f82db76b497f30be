package io.quarkiverse.socketio.runtime.cluster;

import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.ConfigBuilder;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * In a worker process, puts the HTTP server where the primary expects it, above every other configuration source
 * (the worker's command line repeats the primary's, {@code -Dquarkus.http.port} included): plain HTTP on the loopback
 * port the primary chose, with the {@code X-Forwarded-*} headers the primary adds trusted, so that the handshake
 * address is the client's; its management interface, when the application has one, on a random loopback port (the
 * primary serves the cluster's on the configured one). Adds nothing in other processes.
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
        return builder.withSources(new PropertiesConfigSource(Map.of(
                "quarkus.http.host", "127.0.0.1",
                "quarkus.http.port", port,
                "quarkus.http.ssl-port", "0",
                "quarkus.http.insecure-requests", "enabled",
                "quarkus.http.proxy.proxy-address-forwarding", "true",
                "quarkus.http.proxy.allow-x-forwarded", "true",
                "quarkus.management.host", "127.0.0.1",
                "quarkus.management.port", "0"), "socketio-cluster-worker", ORDINAL));
    }
}
