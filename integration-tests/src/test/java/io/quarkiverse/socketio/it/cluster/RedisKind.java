package io.quarkiverse.socketio.it.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * One of the three Redis adapters, as both sides name it: {@code quarkus.socketio.adapter} (and its settings) for the
 * Java servers, the adapter kind of {@code redis-peer.mjs} for the Node.js server. Both sides of a pair speak the same
 * wire.
 */
enum RedisKind {

    /** Node's {@code createAdapter(pub, sub)}. */
    CLASSIC("redis", "classic"),
    /** Node's {@code createShardedAdapter} in its default {@code dynamic} mode: a channel per room, subscribed on use. */
    SHARDED("redis-sharded", "sharded-dynamic", "-Dquarkus.socketio.redis.subscription-mode=dynamic"),
    /** Node's {@code @socket.io/redis-streams-adapter}. */
    STREAMS("redis-streams", "streams");

    private final String javaAdapter;
    private final String nodeKind;
    private final List<String> javaSettings;

    RedisKind(String javaAdapter, String nodeKind, String... javaSettings) {
        this.javaAdapter = javaAdapter;
        this.nodeKind = nodeKind;
        this.javaSettings = List.of(javaSettings);
    }

    /** The kind argument of {@code redis-peer.mjs}. */
    String nodeKind() {
        return nodeKind;
    }

    /** The JVM options that make the packaged application a server of this adapter on {@code redis}. */
    String[] javaArgs(RedisServerProcess redis, String... more) {
        List<String> args = new ArrayList<>();
        args.add("-Dquarkus.socketio.adapter=" + javaAdapter);
        args.add("-Dquarkus.redis.hosts=" + redis.url());
        args.addAll(javaSettings);
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }
}
