package io.quarkiverse.socketio.runtime.config;

import java.util.Optional;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;

/**
 * What the application is built with: the Redis client the Redis adapters use. Fixed at build time, since the client
 * must be a bean of the application.
 */
@ConfigMapping(prefix = "quarkus.socketio")
@ConfigRoot(phase = ConfigPhase.BUILD_AND_RUN_TIME_FIXED)
public interface SocketIOBuildConfig {

    /** The Redis adapters' client. */
    Redis redis();

    interface Redis {
        /**
         * The name of the Quarkus Redis client the adapter uses: its connection is configured as
         * {@code quarkus.redis.<name>.hosts} (and the other {@code quarkus.redis.<name>.*} properties). Unset: the
         * default client ({@code quarkus.redis.hosts}).
         */
        Optional<String> clientName();
    }
}
