package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Node.js socket.io server on one of Node's own Redis adapters ({@code src/test/js/redis-peer.mjs}), the third
 * server of the tests of several hosts: on a free port of 127.0.0.1, on the adapter of the same {@link RedisKind} as
 * the Java hosts, driven by commands on its stdin (see the script's header and the js README). Its namespace
 * {@code /cluster} answers the server-side event {@code who} with {@code {server:"node", port}}, as the Java fixture
 * answers with {@code {pid, worker}}.
 */
final class NodePeer implements AutoCloseable {

    static final String NAMESPACE = ClusterFixture.NAMESPACE;

    private final NodeProcess process;
    private final int port;

    private NodePeer(NodeProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the peer and waits (at most 30 s) until it listens.
     *
     * @param options the script's options (a JSON object), or {@code null}
     */
    static NodePeer start(String name, RedisKind kind, RedisServerProcess redis, String options) throws Exception {
        int port = PackagedCluster.freePort();
        List<String> args = new ArrayList<>(List.of(Integer.toString(port), redis.url(), kind.nodeKind()));
        if (options != null) {
            args.add(options);
        }
        NodeProcess process = NodeProcess.start(name + "-node-peer", "redis-peer.mjs", args, line -> {
        });
        NodePeer peer = new NodePeer(process, port);
        try {
            JsonNode first = process.awaitLine(l -> l.path("ready").asBoolean() || l.path("error").isTextual(),
                    "ready line", Duration.ofSeconds(30));
            if (!first.path("ready").asBoolean()) {
                fail("The Node peer did not start: " + first + process.describe());
            }
        } catch (Throwable e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    /** A command on the namespace {@code /cluster}. */
    static ObjectNode command(String cmd) {
        return NodeProcess.command(cmd).put("nsp", NAMESPACE);
    }

    /** Sends a command and waits for its answer, which must be {@code ok}. */
    JsonNode call(ObjectNode command) throws Exception {
        return process.call(command);
    }

    /** Sends a command without waiting for its answer (a stream of broadcasts). */
    void send(ObjectNode command) throws Exception {
        process.send(command);
    }

    /** The adapter's {@code serverCount()} of {@code /cluster}. */
    int serverCount() throws Exception {
        return call(command("serverCount")).path("serverCount").asInt();
    }

    /** Whatever the peer printed as an error (Redis lost, for one): for the failure messages. */
    List<JsonNode> errors() {
        return process.errors();
    }

    String describe() {
        return process.describe();
    }

    @Override
    public void close() {
        process.close();
    }
}
