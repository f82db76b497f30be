package io.quarkiverse.socketio.it.cluster;

/**
 * Two hosts and a Node.js server on Node's sharded Redis adapter in its dynamic mode, the Java hosts on
 * {@code quarkus.socketio.adapter=redis-sharded} with {@code subscription-mode=dynamic}: see {@link RedisHosts}.
 */
class RedisShardedHostsIT extends RedisHosts {

    RedisShardedHostsIT() {
        super(RedisKind.SHARDED);
    }
}
