package io.quarkiverse.socketio.runtime.adapter.redis;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import org.jboss.logging.Logger;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace.LocalSocket;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.SocketDetails;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessageCodec;
import io.quarkiverse.socketio.runtime.adapter.wire.WireModule;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterProtocolException;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * The adapter of one namespace that speaks Node's classic {@code @socket.io/redis-adapter} 8.3 ({@code createAdapter}),
 * with {@code <prefix>} the {@code key-prefix} setting:
 * <ul>
 * <li>broadcasts: MessagePack {@code [uid, packet, opts]} PUBLISHed to {@code <prefix>#<nsp>#}, or
 * {@code <prefix>#<nsp>#<room>#} when exactly one room is targeted; received by PSUBSCRIBE
 * {@code <prefix>#<nsp>#*}, a room's message dropped undecoded when this server has no member in the room;</li>
 * <li>requests on {@code <prefix>-request#<nsp>#}, JSON text except the broadcast with acknowledgements
 * (MessagePack): socketsJoin 2, socketsLeave 3, disconnectSockets 4, fetchSockets 5, serverSideEmit 6, broadcast with
 * acks 7;</li>
 * <li>answers on {@code <prefix>-response#<nsp>#}, or on the requester's own {@code <prefix>-response#<nsp>#<uid>#}
 * with {@code publish-on-specific-response-channel} (but serverSideEmit's, which Node always sends on the common one):
 * JSON, except a client's acknowledgement (9, MessagePack);</li>
 * <li>the number of servers: {@code PUBSUB NUMSUB <prefix>-request#<nsp>#}.</li>
 * </ul>
 * Node applies a socketsJoin, socketsLeave or disconnectSockets of its own only when it comes back from Redis; this
 * server applies its own at once and skips them when they come back. JSON cannot carry binary: an argument that is
 * binary travels in JSON as Node writes a Buffer there, {@code {"type":"Buffer","data":[...]}}, and arrives so. The Java
 * servers' extras, which Node ignores (types it does not know): a heartbeat (1001) and a farewell (1002) on the request
 * channel, an "I will not answer" (1003) on a Java requester's own response channel, and the responder's {@code uid} in
 * every answer.
 * <p>
 * What else a Redis MONITOR shows differently from Node's (checked against Node's recordings by
 * {@code ClassicRedisAdapterWireTest}): the subscriptions are Node's command for command (PSUBSCRIBE then one SUBSCRIBE
 * of the three channels per namespace; at close PUNSUBSCRIBE then one UNSUBSCRIBE per channel), but the farewell is
 * published first; uids and request ids are 16 hexadecimal digits where Node's are 6 characters (Node only needs them
 * unique); a broadcast with acknowledgements counts the servers ({@code PUBSUB NUMSUB}) before it is published, where
 * Node counts after, and every request counts them again while it waits ({@link RedisAdapter}). Requests and broadcasts
 * are otherwise Node's very bytes.
 */
final class ClassicRedisAdapter extends RedisAdapter {

    private static final Logger LOG = Logger.getLogger(ClassicRedisAdapter.class);

    static final int SOCKETS_JOIN = 2;
    static final int SOCKETS_LEAVE = 3;
    static final int DISCONNECT_SOCKETS = 4;
    static final int FETCH_SOCKETS = 5;
    static final int SERVER_SIDE_EMIT = 6;
    static final int BROADCAST = 7;
    static final int BROADCAST_CLIENT_COUNT = 8;
    static final int BROADCAST_ACK = 9;
    static final int HEARTBEAT = 1001;
    static final int CLOSE = 1002;
    static final int UNANSWERED = 1003;

    private static final ObjectMapper JSON = WireModule.mapper(new JsonFactory(), true);
    private static final ObjectMapper MSGPACK = WireModule.mapper(new MessagePackFactory(), true);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String broadcastPrefix;
    private final String requestChannel;
    private final String responseChannel;
    private final String ownResponseChannel;
    private final boolean specificResponses;

    ClassicRedisAdapter(LocalNamespace namespace, RedisAdapterFactory factory) {
        super(namespace, factory);
        String prefix = factory.settings().keyPrefix();
        this.broadcastPrefix = prefix + "#" + nsp + "#";
        this.requestChannel = prefix + "-request#" + nsp + "#";
        this.responseChannel = prefix + "-response#" + nsp + "#";
        this.ownResponseChannel = responseChannel + uid + "#";
        this.specificResponses = factory.settings().publishOnSpecificResponseChannel();
    }

    /** As Node's adapter subscribes: the pattern, then its three channels in one command. */
    @Override
    void subscribe() {
        factory.connector().psubscribe(broadcastPrefix + "*");
        factory.connector().subscribe(requestChannel, responseChannel, ownResponseChannel);
    }

    /** As Node's adapter closes: the pattern, then each channel with a command of its own. */
    @Override
    void unsubscribe() {
        factory.connector().punsubscribe(broadcastPrefix + "*");
        factory.connector().unsubscribe(requestChannel);
        factory.connector().unsubscribe(responseChannel);
        factory.connector().unsubscribe(ownResponseChannel);
    }

    @Override
    boolean accepts(String channel) {
        return channel.startsWith(broadcastPrefix) || channel.equals(requestChannel)
                || channel.startsWith(responseChannel);
    }

    @Override
    String countChannel() {
        return requestChannel;
    }

    @Override
    boolean shardedCount() {
        return false;
    }

    // ------------------------------------------------------------------ local operations, published

    @Override
    public void broadcast(SocketIOPacket packet, BroadcastOptions options) {
        if (!options.flags().local()) {
            ArrayNode message = NODES.arrayNode().add(uid);
            message.add(tree(MSGPACK, packet));
            message.add(tree(MSGPACK, options));
            String channel = options.rooms().size() == 1 ? broadcastPrefix + options.rooms().iterator().next() + "#"
                    : broadcastPrefix;
            publish(channel, write(MSGPACK, message));
        }
        super.broadcast(packet, options);
    }

    @Override
    public void addSockets(BroadcastOptions options, Set<String> rooms) {
        if (!options.flags().local()) {
            ObjectNode request = request(SOCKETS_JOIN, null, options);
            request.set("rooms", strings(rooms));
            publish(requestChannel, json(request));
        }
        super.addSockets(options, rooms);
    }

    @Override
    public void delSockets(BroadcastOptions options, Set<String> rooms) {
        if (!options.flags().local()) {
            ObjectNode request = request(SOCKETS_LEAVE, null, options);
            request.set("rooms", strings(rooms));
            publish(requestChannel, json(request));
        }
        super.delSockets(options, rooms);
    }

    @Override
    public void disconnectSockets(BroadcastOptions options, boolean close) {
        if (!options.flags().local()) {
            publish(requestChannel, json(request(DISCONNECT_SOCKETS, null, options).put("close", close)));
        }
        super.disconnectSockets(options, close);
    }

    @Override
    public Uni<List<RemoteSocket>> fetchSockets(BroadcastOptions options) {
        return fetchSockets(options, requestId -> publish(requestChannel,
                json(request(FETCH_SOCKETS, requestId, options))));
    }

    @Override
    public void serverSideEmit(ArrayNode eventAndArgs) {
        ObjectNode request = NODES.objectNode().put("uid", uid).put("type", SERVER_SIDE_EMIT);
        request.set("data", eventAndArgs);
        publish(requestChannel, json(request));
    }

    @Override
    public Uni<List<JsonNode>> serverSideEmitWithAck(ArrayNode eventAndArgs) {
        String event = eventAndArgs.isEmpty() ? "?" : eventAndArgs.get(0).asText();
        return serverSideEmitWithAck(event, requestId -> {
            ObjectNode request = NODES.objectNode().put("uid", uid).put("requestId", requestId)
                    .put("type", SERVER_SIDE_EMIT);
            request.set("data", eventAndArgs);
            publish(requestChannel, json(request));
        });
    }

    @Override
    public void broadcastWithAck(SocketIOPacket packet, BroadcastOptions options, IntConsumer clientCount,
            Consumer<JsonNode> ack) {
        broadcastWithAck(packet, options, clientCount, ack, requestId -> {
            ObjectNode request = NODES.objectNode().put("uid", uid).put("requestId", requestId).put("type", BROADCAST);
            request.set("packet", tree(MSGPACK, new SocketIOPacket(packet.type(), nsp, SocketIOPacket.NO_ACK,
                    packet.data())));
            request.set("opts", tree(MSGPACK, options));
            publish(requestChannel, write(MSGPACK, request));
        });
    }

    @Override
    void sendHeartbeat(boolean closing) {
        publish(requestChannel, json(NODES.objectNode().put("uid", uid).put("type", closing ? CLOSE : HEARTBEAT)));
    }

    @Override
    void sendUnanswered(String requester, String requestId) {
        publish(responseChannel + requester + "#", json(NODES.objectNode().put("type", UNANSWERED)
                .put("requestId", requestId).put("uid", uid)));
    }

    // ------------------------------------------------------------------ messages from Redis

    @Override
    void onMessage(String channel, byte[] payload) {
        if (closed) {
            return;
        }
        try {
            if (channel.equals(requestChannel)) {
                onRequest(read(payload));
            } else if (channel.startsWith(responseChannel)) {
                onResponse(read(payload));
            } else {
                onBroadcast(channel, payload);
            }
        } catch (ClusterProtocolException e) {
            LOG.debugf("Dropped a malformed message of channel %s: %s", channel, e.getMessage());
        }
    }

    private void onBroadcast(String channel, byte[] payload) {
        String room = channel.length() > broadcastPrefix.length() + 1
                ? channel.substring(broadcastPrefix.length(), channel.length() - 1)
                : null;
        if (room != null && !roomNames().contains(room)) {
            return; // no member here: not worth decoding
        }
        JsonNode message = factory.codec().readTree(payload, 0, payload.length);
        if (!message.isArray() || message.size() < 3 || !message.get(0).isTextual()) {
            throw new ClusterProtocolException("A broadcast is [uid, packet, opts]");
        }
        String from = message.get(0).textValue();
        if (from.equals(uid)) {
            return;
        }
        SocketIOPacket packet = WireModule.packet(message.get(1), null);
        if (!packet.namespace().equals(nsp)) {
            return;
        }
        factory.observer().remoteMessage("Redis server " + from, "BROADCAST", nsp);
        super.broadcast(packet, WireModule.options(message.get(2)));
    }

    private void onRequest(JsonNode request) {
        String from = request.path("uid").asText();
        int type = request.path("type").asInt(-1);
        String requestId = request.path("requestId").isTextual() ? request.get("requestId").textValue() : null;
        heard(from, type == HEARTBEAT);
        if (!from.equals(uid) && type != HEARTBEAT) {
            factory.observer().remoteMessage("Redis server " + from, "REQUEST " + type, nsp);
        }
        switch (type) {
            case SOCKETS_JOIN, SOCKETS_LEAVE, DISCONNECT_SOCKETS -> {
                if (from.equals(uid)) {
                    return; // applied when it was sent
                }
                BroadcastOptions options = WireModule.options(request.path("opts"));
                if (type == DISCONNECT_SOCKETS) {
                    super.disconnectSockets(options, request.path("close").asBoolean());
                } else {
                    Set<String> rooms = WireModule.stringSet(request.get("rooms"), "rooms");
                    if (type == SOCKETS_JOIN) {
                        super.addSockets(options, rooms);
                    } else {
                        super.delSockets(options, rooms);
                    }
                }
            }
            case FETCH_SOCKETS -> {
                if (requestId == null || isOwnRequest(requestId)) {
                    return;
                }
                ArrayNode sockets = NODES.arrayNode();
                for (LocalSocket socket : localTargets(WireModule.options(request.path("opts")))) {
                    sockets.add(nodeBuffers(tree(JSON, SocketDetails.of(socket, namespace))));
                }
                ObjectNode response = NODES.objectNode().put("requestId", requestId).put("uid", uid);
                response.set("sockets", sockets);
                publish(responseChannelOf(from), json(response));
            }
            case SERVER_SIDE_EMIT -> {
                if (from.equals(uid) || !(request.get("data") instanceof ArrayNode data) || data.isEmpty()) {
                    return;
                }
                if (requestId == null) {
                    namespace.onServerSideEmit(data, null);
                    return;
                }
                boolean handled = namespace.onServerSideEmit(data, new FirstAnswer(args -> {
                    ObjectNode response = NODES.objectNode().put("type", SERVER_SIDE_EMIT).put("requestId", requestId)
                            .put("uid", uid);
                    if (args != null && !args.isEmpty()) {
                        response.set("data", args.get(0));
                    }
                    publish(responseChannel, json(response));
                }));
                if (!handled && isJavaPeer(from)) {
                    sendUnanswered(from, requestId);
                }
            }
            case BROADCAST -> {
                if (requestId == null || isOwnRequest(requestId)) {
                    return;
                }
                // Node reads neither volatile nor compress here: the options' rooms and except only
                BroadcastOptions options = WireModule.options(request.path("opts"));
                BroadcastOptions roomsOnly = new BroadcastOptions(options.rooms(), options.except(),
                        BroadcastOptions.Flags.NONE);
                String channel = responseChannelOf(from);
                onBroadcastWithAck(WireModule.packet(request.get("packet"), nsp), roomsOnly,
                        count -> publish(channel, json(NODES.objectNode().put("type", BROADCAST_CLIENT_COUNT)
                                .put("requestId", requestId).put("clientCount", count).put("uid", uid))),
                        arg -> {
                            ObjectNode ack = NODES.objectNode().put("type", BROADCAST_ACK).put("requestId", requestId);
                            ack.set("packet", arg);
                            publish(channel, write(MSGPACK, ack));
                        });
            }
            case CLOSE -> left(from);
            case HEARTBEAT -> {
                // heard above
            }
            default -> {
                if (requestId != null && !from.equals(uid) && isJavaPeer(from)) {
                    sendUnanswered(from, requestId); // a request of a newer version this server does not know
                }
            }
        }
    }

    private void onResponse(JsonNode response) {
        String requestId = response.path("requestId").asText(null);
        if (requestId == null || !isOwnRequest(requestId)) {
            return;
        }
        String from = response.path("uid").isTextual() ? response.get("uid").textValue() : null;
        if (from != null) {
            heard(from, false);
        }
        int type = response.path("type").asInt(-1);
        switch (type) {
            case BROADCAST_CLIENT_COUNT -> answer(requestId, from, List.of(response.path("clientCount").asInt()));
            case BROADCAST_ACK -> broadcastAck(requestId, nullToNull(response.get("packet")));
            case SERVER_SIDE_EMIT -> answer(requestId, from, List.of(nullToNull(response.get("data")) == null
                    ? NODES.nullNode()
                    : response.get("data")));
            case UNANSWERED -> {
                if (from != null) {
                    unanswered(requestId, from);
                }
            }
            default -> {
                if (response.get("sockets") instanceof ArrayNode sockets) {
                    List<RemoteSocket> found = new ArrayList<>(sockets.size());
                    for (JsonNode socket : sockets) {
                        found.add(socketDetails(socket).toRemoteSocket(namespace));
                    }
                    answer(requestId, from, found);
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Where this server answers the requester {@code requester}. */
    private String responseChannelOf(String requester) {
        return specificResponses ? responseChannel + requester + "#" : responseChannel;
    }

    private ObjectNode request(int type, String requestId, BroadcastOptions options) {
        ObjectNode request = NODES.objectNode().put("uid", uid);
        if (requestId != null) {
            request.put("requestId", requestId);
        }
        request.put("type", type);
        // Node's requests carry rooms and except only
        ObjectNode opts = request.putObject("opts");
        opts.set("rooms", strings(options.rooms()));
        opts.set("except", strings(options.except()));
        return request;
    }

    private void publish(String channel, byte[] payload) {
        factory.connector().publish(Request.cmd(Command.PUBLISH).arg(channel).arg(payload))
                .onFailure(failure -> LOG.debugf("Not published to %s: %s", channel, failure.getMessage()));
    }

    /** JSON text, with binary written as Node writes a Buffer in JSON. */
    private static byte[] json(JsonNode message) {
        return write(JSON, nodeBuffers(message));
    }

    private static byte[] write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot encode a Redis adapter message: " + e.getMessage(), e);
        }
    }

    private static JsonNode tree(ObjectMapper mapper, Object value) {
        return mapper.valueToTree(value);
    }

    private JsonNode read(byte[] payload) {
        if (payload.length > 0 && payload[0] == '{') {
            return factory.codec().readJson(payload);
        }
        return factory.codec().readTree(payload, 0, payload.length);
    }

    private static SocketDetails socketDetails(JsonNode socket) {
        try {
            return JSON.treeToValue(socket, SocketDetails.class);
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new ClusterProtocolException("A socket of a fetchSockets answer cannot be read: " + e.getMessage(),
                    e);
        }
    }

    private static ArrayNode strings(Set<String> values) {
        ArrayNode array = NODES.arrayNode(values.size());
        values.forEach(array::add);
        return array;
    }

    private static JsonNode nullToNull(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    /** A copy of the tree where each binary value is {@code {"type":"Buffer","data":[bytes]}}, as Node's JSON has it. */
    static JsonNode nodeBuffers(JsonNode node) {
        if (node == null || !ClusterMessageCodec.hasBinary(node)) {
            return node;
        }
        if (node.isBinary()) {
            ObjectNode buffer = NODES.objectNode().put("type", "Buffer");
            ArrayNode data = buffer.putArray("data");
            for (byte b : ((BinaryNode) node).binaryValue()) {
                data.add(b & 0xFF);
            }
            return buffer;
        }
        if (node.isArray()) {
            ArrayNode copy = NODES.arrayNode(node.size());
            node.forEach(item -> copy.add(nodeBuffers(item)));
            return copy;
        }
        ObjectNode copy = NODES.objectNode();
        node.fields().forEachRemaining(field -> copy.set(field.getKey(), nodeBuffers(field.getValue())));
        return copy;
    }
}
