package io.quarkiverse.socketio.it.cluster;

/**
 * Two hosts and a Node.js server on Node's classic Redis adapter ({@code createAdapter}), the Java hosts on
 * {@code quarkus.socketio.adapter=redis}: see {@link RedisHosts}.
 */
class RedisClassicHostsIT extends RedisHosts {

    RedisClassicHostsIT() {
        super(RedisKind.CLASSIC);
    }
}
