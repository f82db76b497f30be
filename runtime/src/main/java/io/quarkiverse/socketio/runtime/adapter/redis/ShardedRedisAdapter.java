package io.quarkiverse.socketio.runtime.adapter.redis;

import java.util.LinkedHashSet;
import java.util.Set;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Broadcast;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.DisconnectSockets;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Rooms;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Type;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessageCodec;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterProtocolException;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig.SubscriptionMode;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * The adapter of one namespace that speaks Node's sharded {@code @socket.io/redis-adapter} 8.3
 * ({@code createShardedAdapter}), over Redis 7's sharded pub/sub: SPUBLISH, SSUBSCRIBE, SUNSUBSCRIBE.
 * <p>
 * <b>Channels</b> ({@code <prefix>} is {@code key-prefix}, Node's {@code channelPrefix}):
 * <ul>
 * <li>{@code <prefix>#<nsp>#}, the namespace's channel: every request and broadcast, and the channel whose
 * subscribers Redis counts as the namespace's servers ({@code PUBSUB SHARDNUMSUB}; one connection of this process
 * subscribes to it);</li>
 * <li>{@code <prefix>#<nsp>#<uid>#}, this adapter's own: the answers to its requests, which each responder SPUBLISHes
 * to the requester's channel;</li>
 * <li>{@code <prefix>#<nsp>#<room>#}, a room's, in the dynamic modes only: subscribed while the room has a member on
 * this server, it carries the broadcasts to that room alone, so a server without a member does not even receive
 * them.</li>
 * </ul>
 * <b>Subscription modes</b> ({@code subscription-mode}, Node's {@code subscriptionMode}; every server of a cluster must
 * use the same, since a message published to a room's channel never reaches a server that listens to the namespace's
 * channel only):
 * <ul>
 * <li>{@code static}: the first two channels only; everything is published to the namespace's channel;</li>
 * <li>{@code dynamic} (Node's default): a room's channel for every room but the sockets' own (a room that is the id
 * of a socket of this server is not subscribed); a broadcast without acknowledgements to exactly one room goes to
 * that room's channel unless the room's name is 20 characters long, the length of a socket id, which is all Node looks
 * at;</li>
 * <li>{@code dynamic-private}: a room's channel for every room, the sockets' own included, and every broadcast
 * without acknowledgements to exactly one room goes to that room's channel.</li>
 * </ul>
 * A broadcast with acknowledgements always goes to the namespace's channel: every server must report its count of
 * clients, also those without a member in the room.
 * <p>
 * <b>Messages</b> are socket.io-adapter's {@code ClusterAdapter} messages ({@link ClusterMessage}), the envelope
 * {@code {type, data?, uid, nsp}}: JSON text, unless the message holds binary (a broadcast, a server-side event, a
 * fetchSockets answer or an acknowledgement can), then MessagePack, as Node writes them; a receiver tells them by the
 * first byte, <code>{</code> for JSON. A server drops its own messages and those of other namespaces, applies the
 * broadcasts, socketsJoin, socketsLeave and disconnectSockets of the others, and answers their fetchSockets,
 * serverSideEmit with acknowledgement and broadcast with acknowledgements on the requester's channel. The sender of a
 * broadcast, socketsJoin, socketsLeave or disconnectSockets publishes it, then applies it to its own sockets.
 * <p>
 * <b>What differs from Node, and why.</b> Node's servers send no heartbeat, so a Node requester waits for as many
 * answers as Redis counts subscribers, until its timeout. These servers also count again while a request waits
 * ({@link RedisAdapter}), and tell each other they are alive: a heartbeat ({@code HEARTBEAT}, type 2) on the
 * namespace's channel every {@code heartbeat-interval}, a farewell ({@code ADAPTER_CLOSE}, 13) when the adapter
 * closes, and an "I will not answer" ({@link Type#UNANSWERED UNANSWERED}, 1003, {@code {requestId}}) on a Java
 * requester's channel when no handler takes its server-side event or its request is of a type this server does not
 * know. Node's {@code ClusterAdapter} ignores types 2 and 13 (the sharded adapter uses the variant without heartbeats),
 * and never gets 1003; the cost is one small JSON message per Java server and namespace every
 * {@code heartbeat-interval}, which every server of the namespace receives. A fetchSockets waits for the operator's
 * timeout, else {@code requests-timeout} (Node: the operator's, else 5 s), and serverSideEmitWithAck for
 * {@code requests-timeout} (Node: 5 s). A socket's rooms in a fetchSockets answer are in no particular order (Node's
 * in the order joined; the receiver makes a set of them either way).
 * <p>
 * Threading: as {@link RedisAdapter}; the rooms' subscriptions are made on the factory's context, which checks there
 * whether the room still exists, so that a room created on one thread and deleted on another ends subscribed exactly
 * when it has a member.
 */
final class ShardedRedisAdapter extends ClusterMessageAdapter {

    private static final Logger LOG = Logger.getLogger(ShardedRedisAdapter.class);

    /** The length of a socket id, the only thing Node's dynamic mode looks at to keep a room off its own channel. */
    static final int SOCKET_ID_LENGTH = 20;

    private final SubscriptionMode mode;
    private final String namespaceChannel;
    private final String ownChannel;

    // ---- confined to the factory's context ----
    /** the room channels subscribed, in the order they were */
    private final Set<String> roomChannels = new LinkedHashSet<>();

    ShardedRedisAdapter(LocalNamespace namespace, RedisAdapterFactory factory) {
        super(namespace, factory);
        this.mode = factory.settings().subscriptionMode();
        this.namespaceChannel = factory.settings().keyPrefix() + "#" + nsp + "#";
        this.ownChannel = namespaceChannel + uid + "#";
    }

    @Override
    void subscribe() {
        factory.connector().ssubscribe(namespaceChannel, ownChannel);
    }

    @Override
    void unsubscribe() {
        // the rooms first, as Node's close() shows on the wire
        factory.connector().sunsubscribe(roomChannels.toArray(String[]::new));
        roomChannels.clear();
        factory.connector().sunsubscribe(namespaceChannel, ownChannel);
    }

    @Override
    boolean accepts(String channel) {
        return channel.equals(namespaceChannel) || channel.equals(ownChannel) || roomChannels.contains(channel);
    }

    @Override
    String countChannel() {
        return namespaceChannel;
    }

    @Override
    boolean shardedCount() {
        return true;
    }

    // ------------------------------------------------------------------ the rooms' channels

    @Override
    protected void roomCreated(String room, String socketId) {
        if (mode != SubscriptionMode.STATIC) {
            onContext(() -> syncRoom(room));
        }
    }

    @Override
    protected void roomDeleted(String room, String socketId) {
        if (mode != SubscriptionMode.STATIC) {
            onContext(() -> syncRoom(room));
        }
    }

    /** Subscribes to a room's channel if the room now has a member here and the mode wants it, else not. */
    private void syncRoom(String room) {
        String name = namespaceChannel + room + "#";
        boolean wanted = !closed && roomNames().contains(room)
                && (mode == SubscriptionMode.DYNAMIC_PRIVATE || socketRooms(room).isEmpty());
        if (wanted && roomChannels.add(name)) {
            factory.connector().ssubscribe(name);
        } else if (!wanted && roomChannels.remove(name)) {
            factory.connector().sunsubscribe(name);
        }
    }

    /**
     * Where a broadcast goes: a room's channel for a broadcast without acknowledgements to exactly one room, in the
     * dynamic modes (in {@code dynamic} unless the name is as long as a socket id), else the namespace's.
     */
    private String channelOf(BroadcastOptions options) {
        if (mode != SubscriptionMode.STATIC && options.rooms().size() == 1) {
            String room = options.rooms().iterator().next();
            if (mode == SubscriptionMode.DYNAMIC_PRIVATE || room.length() != SOCKET_ID_LENGTH) {
                return namespaceChannel + room + "#";
            }
        }
        return namespaceChannel;
    }

    // ------------------------------------------------------------------ local operations, published

    @Override
    public void broadcast(SocketIOPacket packet, BroadcastOptions options) {
        if (!options.flags().local()) {
            publish(channelOf(options), ClusterMessage.of(uid, nsp, new Broadcast(options, withoutAckId(packet), null)));
        }
        super.broadcast(packet, options);
    }

    @Override
    public void addSockets(BroadcastOptions options, Set<String> rooms) {
        if (!options.flags().local()) {
            publish(namespaceChannel, new ClusterMessage(Type.SOCKETS_JOIN, uid, nsp, new Rooms(options, rooms)));
        }
        super.addSockets(options, rooms);
    }

    @Override
    public void delSockets(BroadcastOptions options, Set<String> rooms) {
        if (!options.flags().local()) {
            publish(namespaceChannel, new ClusterMessage(Type.SOCKETS_LEAVE, uid, nsp, new Rooms(options, rooms)));
        }
        super.delSockets(options, rooms);
    }

    @Override
    public void disconnectSockets(BroadcastOptions options, boolean close) {
        if (!options.flags().local()) {
            publish(namespaceChannel, ClusterMessage.of(uid, nsp, new DisconnectSockets(options, close)));
        }
        super.disconnectSockets(options, close);
    }

    // ------------------------------------------------------------------ messages from Redis

    @Override
    void onMessage(String channel, byte[] payload) {
        if (closed) {
            return;
        }
        JsonNode tree = null;
        try {
            tree = payload.length > 0 && payload[0] == '{' ? factory.codec().readJson(payload)
                    : factory.codec().readTree(payload, 0, payload.length);
            onClusterMessage(factory.codec().fromTree(tree));
        } catch (ClusterProtocolException e) {
            LOG.debugf("Dropped a malformed message of channel %s: %s", channel, e.getMessage());
            if (tree != null) {
                onUnreadable(tree);
            }
        }
    }

    // ------------------------------------------------------------------ how messages travel

    @Override
    void publish(ClusterMessage message) {
        publish(namespaceChannel, message);
    }

    @Override
    void respond(String requester, ClusterMessage.Payload answer) {
        publish(namespaceChannel + requester + "#", ClusterMessage.of(uid, nsp, answer));
    }

    /** SPUBLISHes a message: JSON, or MessagePack when it holds binary, as Node's sharded adapter encodes. */
    private void publish(String to, ClusterMessage message) {
        byte[] payload = ClusterMessageCodec.hasBinary(message) ? factory.codec().encode(message)
                : factory.codec().encodeJson(message);
        factory.connector().publish(Request.cmd(Command.SPUBLISH).arg(to).arg(payload))
                .onFailure(failure -> LOG.debugf("Not published to %s: %s", to, failure.getMessage()));
    }
}
