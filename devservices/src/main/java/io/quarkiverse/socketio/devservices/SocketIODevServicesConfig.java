package io.quarkiverse.socketio.devservices;

import java.util.OptionalInt;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Dev Services of the Socket.IO extension: the Redis server that dev and test mode start for the Redis adapters. Read at
 * build time, as every Dev Services setting is: a change restarts the server at the next live reload.
 */
@ConfigMapping(prefix = "quarkus.socketio.devservices")
@ConfigRoot(phase = ConfigPhase.BUILD_TIME)
public interface SocketIODevServicesConfig {

    /**
     * Whether dev and test mode start a Redis server for a Redis adapter ({@code quarkus.socketio.adapter} set to
     * {@code redis}, {@code redis-sharded} or {@code redis-streams}) whose Redis client has no hosts configured. The
     * server is the {@code redis-server} program found on the {@code PATH}, run as a child process on the loopback
     * interface without persistence, and the application gets {@code quarkus.redis.hosts} (or
     * {@code quarkus.redis.<name>.hosts} for the client named by {@code quarkus.socketio.redis.client-name}) pointing
     * at it. {@code quarkus.devservices.enabled=false} turns it off as well.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * The port the Redis server listens on, on {@code 127.0.0.1}. A free port when unset.
     */
    OptionalInt port();
}
