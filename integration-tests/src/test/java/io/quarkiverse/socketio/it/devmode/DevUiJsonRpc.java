package io.quarkiverse.socketio.it.devmode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A client of the Dev UI's JSON-RPC WebSocket ({@code /q/dev-ui/json-rpc-ws}), as the Dev UI page in a browser uses
 * it: each call is a JSON-RPC request named {@code <extension>_<method>}, answered by a message with its id.
 */
final class DevUiJsonRpc implements AutoCloseable {

    static final String EXTENSION = "quarkus-socketio-cluster";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private DevUiJsonRpc(WebSocket socket) {
        this.socket = socket;
    }

    static DevUiJsonRpc connect(URI base) throws Exception {
        URI uri = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/q/dev-ui/json-rpc-ws");
        DevUiJsonRpc[] client = new DevUiJsonRpc[1];
        StringBuilder partial = new StringBuilder();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    client[0].onMessage(text);
                }
                ws.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        client[0] = new DevUiJsonRpc(socket);
        return client[0];
    }

    /** Calls a method of the extension's JSON-RPC service; returns its result (the {@code object} it answered). */
    JsonNode call(String method, Map<String, ?> params) throws Exception {
        return callQualified(EXTENSION + "_" + method, params);
    }

    /** Calls a Dev UI JSON-RPC method by its full name ({@code <namespace>_<method>}). */
    JsonNode callQualified(String method, Map<String, ?> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode request = MAPPER.createObjectNode().put("jsonrpc", "2.0").put("id", id)
                .put("method", method);
        request.set("params", MAPPER.valueToTree(params));
        socket.sendText(MAPPER.writeValueAsString(request), true).get(10, TimeUnit.SECONDS);
        JsonNode response = answer.get(20, TimeUnit.SECONDS);
        if (response.has("error")) {
            throw new AssertionError(method + " failed: " + response.get("error"));
        }
        return response.path("result").path("object");
    }

    private void onMessage(String text) {
        try {
            JsonNode message = MAPPER.readTree(text);
            CompletableFuture<JsonNode> answer = pending.remove(message.path("id").asInt(-1));
            if (answer != null) {
                answer.complete(message);
            }
        } catch (Exception e) {
            // a message that is not JSON-RPC (none is expected) is not an answer to a call
        }
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
}
