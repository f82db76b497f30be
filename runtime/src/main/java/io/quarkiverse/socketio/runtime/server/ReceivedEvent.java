package io.quarkiverse.socketio.runtime.server;

import java.util.AbstractList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIOSocket;

/**
 * An event as handlers see it: a view over the packet's {@code [name, args...]} array.
 */
final class ReceivedEvent implements SocketIOEvent {

    private final ArrayNode data;
    private final JsonArgs json;
    private final SocketIOSocket socket;
    private final Consumer<ArrayNode> ack;
    private final AtomicBoolean acked = new AtomicBoolean();

    /** {@code ack} is {@code null} when the sender asked for no acknowledgement. */
    ReceivedEvent(ArrayNode data, JsonArgs json, SocketIOSocket socket, Consumer<ArrayNode> ack) {
        this.data = data;
        this.json = json;
        this.socket = socket;
        this.ack = ack;
    }

    @Override
    public String name() {
        return data.get(0).asText();
    }

    @Override
    public List<JsonNode> args() {
        return new AbstractList<>() {
            @Override
            public JsonNode get(int index) {
                return data.get(index + 1);
            }

            @Override
            public int size() {
                return data.size() - 1;
            }
        };
    }

    @Override
    public JsonNode arg(int index) {
        JsonNode node = data.get(index + 1);
        return node == null ? MissingNode.getInstance() : node;
    }

    @Override
    public <T> T arg(int index, Class<T> type) {
        JsonNode node = data.get(index + 1);
        return node == null ? null : json.convert(node, type);
    }

    @Override
    public boolean hasAck() {
        return ack != null;
    }

    @Override
    public void ack(Object... args) {
        if (ack != null && acked.compareAndSet(false, true)) {
            ack.accept(json.ackData(args));
        }
    }

    @Override
    public SocketIOSocket socket() {
        return socket;
    }
}
