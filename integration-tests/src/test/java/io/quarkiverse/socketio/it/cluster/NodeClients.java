package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Official JavaScript clients ({@code src/test/js/redis-client.mjs}) of one server's namespace {@code /cluster}, one
 * Node process for all of them: over WebSocket, without reconnection unless asked, each with {@code auth = {name,
 * rooms: room, room}}. Each is a {@link HostClient.Js}, fed with what the process prints about it.
 */
final class NodeClients implements AutoCloseable {

    private final List<HostClient.Js> clients = new ArrayList<>();
    private NodeProcess process;

    private NodeClients() {
    }

    /**
     * Connects one client per room of {@code rooms}, named {@code <prefix><i>}, and waits (at most 30 s) until all are
     * connected and, on a Java host, welcomed.
     */
    static NodeClients connect(String logName, String server, URI base, String prefix, List<String> rooms)
            throws Exception {
        return connect(logName, server, base, prefix, rooms, NodeProcess.MAPPER.createObjectNode());
    }

    /**
     * As {@link #connect(String, String, URI, String, List)}, with options of {@code redis-client.mjs} that replace
     * the defaults ({@code reconnection: false}, {@code transports: ["websocket"]}): {@code reconnection},
     * {@code transports}, {@code withCredentials}. A client that reconnects by itself is followed across its
     * connections ({@link HostClient.Js#connections()}).
     */
    static NodeClients connect(String logName, String server, URI base, String prefix, List<String> rooms,
            ObjectNode clientOptions) throws Exception {
        NodeClients js = new NodeClients();
        ObjectNode options = NodeProcess.MAPPER.createObjectNode().put("nsp", ClusterFixture.NAMESPACE)
                .put("reconnection", false);
        options.putArray("transports").add("websocket");
        options.setAll(clientOptions);
        ArrayNode auth = options.putArray("auth");
        for (int i = 0; i < rooms.size(); i++) {
            String name = prefix + i;
            auth.addObject().put("name", name).put("rooms", rooms.get(i)).put("room", rooms.get(i));
            js.clients.add(new HostClient.Js(name, server, rooms.get(i), js, i));
        }
        String url = "http://" + base.getHost() + ":" + base.getPort();
        js.process = NodeProcess.start(logName, "redis-client.mjs",
                List.of(url, Integer.toString(rooms.size()), options.toString()), js::onLine);
        try {
            js.process.awaitLine(l -> l.path("ready").asBoolean() || l.has("connect_error"), "ready line",
                    Duration.ofSeconds(30));
            if (js.process.lines().stream().anyMatch(l -> l.has("connect_error"))) {
                fail("A JavaScript client could not connect to " + base + js.process.describe());
            }
            if (!server.equals("node")) {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (js.clients.stream().anyMatch(c -> c.welcome == null)) {
                    if (System.nanoTime() > deadline) {
                        fail("A JavaScript client got no welcome from " + base + js.process.describe());
                    }
                    Thread.sleep(10);
                }
            }
        } catch (Throwable e) {
            js.close();
            throw e;
        }
        return js;
    }

    private void onLine(JsonNode line) {
        if (!line.has("client") || line.has("id") && line.has("ok")) {
            return;
        }
        HostClient.Js client = clients.get(line.get("client").asInt());
        if (line.path("connected").asBoolean()) {
            client.id = line.path("id").asText();
            client.connected(line.path("id").asText(), line.path("recovered").asBoolean());
        } else if (line.has("connect_error")) {
            client.connectError(line.get("connect_error").asText());
        } else if (line.has("event")) {
            ArrayNode args = line.path("args") instanceof ArrayNode a ? a : NodeProcess.MAPPER.createArrayNode();
            if (line.get("event").asText().equals("welcome")) {
                client.welcome = args.path(0);
            }
            client.received(line.get("event").asText(), args);
        } else if (line.has("disconnect")) {
            client.lostConnection(line.get("disconnect").asText());
        }
    }

    List<HostClient.Js> clients() {
        return List.copyOf(clients);
    }

    /** Emits from client {@code index}; with {@code ack}, waits for the answer ({@code ack: [value]}). */
    JsonNode emit(int index, String event, JsonNode arg, boolean ack) throws Exception {
        ObjectNode command = NodeProcess.command("emit").put("client", index).put("event", event).put("ack", ack)
                .put("timeoutMs", 10_000);
        command.putArray("args").add(arg);
        if (!ack) {
            process.send(command);
            return null;
        }
        return process.await(process.send(command), event, Duration.ofSeconds(15));
    }

    String describe() {
        return process.describe();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
