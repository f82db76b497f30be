package io.quarkiverse.socketio.it.cluster;

/**
 * Two hosts and a Node.js server on Node's Redis streams adapter, the Java hosts on
 * {@code quarkus.socketio.adapter=redis-streams}: see {@link RedisHosts}.
 */
class RedisStreamsHostsIT extends RedisHosts {

    RedisStreamsHostsIT() {
        super(RedisKind.STREAMS);
    }
}
