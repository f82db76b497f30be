package io.quarkiverse.socketio.runtime.config;

import java.util.Optional;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What the application is built with: which adapter joins the servers, and the Redis client it uses. Fixed at build
 * time, since it decides which beans and clients the application has (and what dev and test mode start).
 */
@ConfigMapping(prefix = "quarkus.socketio")
@ConfigRoot(phase = ConfigPhase.BUILD_AND_RUN_TIME_FIXED)
public interface SocketIOBuildConfig {

    /**
     * How the servers of the application share rooms, broadcasts and requests. {@code local}: within one host, the
     * in-memory adapter of one process, or the cluster adapter between the workers of a cluster (through their
     * primary). {@code redis}: through Redis, wire-compatible with Node's {@code @socket.io/redis-adapter} (its
     * {@code createAdapter}). {@code redis-sharded}: Redis 7's sharded pub/sub, as Node's {@code createShardedAdapter}.
     * {@code redis-streams}: a Redis stream, as Node's {@code @socket.io/redis-streams-adapter}, which also keeps the
     * sessions of connection state recovery, so that a client comes back on any server of any host. With a Redis
     * adapter each worker process is a server of the Redis cluster, as each Node worker is; the application needs the
     * {@code io.quarkus:quarkus-redis-client} extension.
     */
    @WithDefault("local")
    AdapterKind adapter();

    /** The Redis adapters' client. */
    Redis redis();

    /** The adapters. */
    enum AdapterKind {
        /** In one host: in-memory, or the cluster adapter between the workers. */
        LOCAL,
        /** Node's classic Redis adapter (pub/sub). */
        REDIS,
        /** Node's sharded Redis adapter (Redis 7 sharded pub/sub). */
        REDIS_SHARDED,
        /** Node's Redis streams adapter. */
        REDIS_STREAMS;

        /** Whether this adapter reaches the other servers through Redis. */
        public boolean isRedis() {
            return this != LOCAL;
        }
    }

    interface Redis {
        /**
         * The name of the Quarkus Redis client the adapter uses: its connection is configured as
         * {@code quarkus.redis.<name>.hosts} (and the other {@code quarkus.redis.<name>.*} properties). Unset: the
         * default client ({@code quarkus.redis.hosts}).
         */
        Optional<String> clientName();
    }
}
