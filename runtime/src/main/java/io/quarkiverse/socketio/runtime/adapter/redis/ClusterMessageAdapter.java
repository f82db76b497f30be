package io.quarkiverse.socketio.runtime.adapter.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;

import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace.LocalSocket;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Broadcast;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.BroadcastAck;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.BroadcastClientCount;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.DisconnectSockets;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.FetchSockets;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.FetchSocketsResponse;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Rooms;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.ServerSideEmit;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.ServerSideEmitResponse;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.SocketDetails;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Type;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Unanswered;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;
import io.smallrye.mutiny.Uni;

/**
 * The Redis adapters that speak socket.io-adapter's {@code ClusterAdapter} message set ({@link ClusterMessage}): the
 * sharded adapter over sharded pub/sub, the streams adapter over a stream and pub/sub. As Node's
 * {@code ClusterAdapter}, it builds the requests and answers, and applies what the messages of other servers ask; the
 * subclass says how a message travels: {@link #publish(ClusterMessage)} to every server of the namespace,
 * {@link #respond(String, ClusterMessage.Payload)} to one requester, and how a broadcast, socketsJoin, socketsLeave
 * or disconnectSockets of this server reaches the others.
 * <p>
 * Threading: as {@link RedisAdapter}.
 */
abstract class ClusterMessageAdapter extends RedisAdapter {

    private static final Logger LOG = Logger.getLogger(ClusterMessageAdapter.class);

    ClusterMessageAdapter(LocalNamespace namespace, RedisAdapterFactory factory) {
        super(namespace, factory);
    }

    /** Sends a request (or a heartbeat) to every server of the namespace. */
    abstract void publish(ClusterMessage message);

    /** Sends an answer to the server whose uid is {@code requester}. */
    abstract void respond(String requester, ClusterMessage.Payload answer);

    /**
     * A broadcast without acknowledgements of another server, as it arrives by pub/sub: applied as a local broadcast
     * of this server's (kept for recovery, with this server's offset, where the server keeps them itself).
     */
    void onRemoteBroadcast(SocketIOPacket packet, BroadcastOptions options) {
        super.broadcast(packet, options);
    }

    // ------------------------------------------------------------------ requests of this server

    @Override
    public Uni<List<RemoteSocket>> fetchSockets(BroadcastOptions options) {
        return fetchSockets(options, requestId -> publish(ClusterMessage.of(uid, nsp,
                new FetchSockets(options, requestId))));
    }

    @Override
    public void serverSideEmit(ArrayNode eventAndArgs) {
        publish(ClusterMessage.of(uid, nsp, new ServerSideEmit(eventAndArgs, null)));
    }

    @Override
    public Uni<List<JsonNode>> serverSideEmitWithAck(ArrayNode eventAndArgs) {
        String event = eventAndArgs.isEmpty() ? "?" : eventAndArgs.get(0).asText();
        return serverSideEmitWithAck(event, requestId -> publish(ClusterMessage.of(uid, nsp,
                new ServerSideEmit(eventAndArgs, requestId))));
    }

    /** {@inheritDoc} Always to every server of the namespace: each must report its count of clients. */
    @Override
    public void broadcastWithAck(SocketIOPacket packet, BroadcastOptions options, IntConsumer clientCount,
            Consumer<JsonNode> ack) {
        broadcastWithAck(packet, options, clientCount, ack, requestId -> publish(ClusterMessage.of(uid, nsp,
                new Broadcast(options, withoutAckId(packet), requestId))));
    }

    @Override
    void sendHeartbeat(boolean closing) {
        publish(ClusterMessage.signal(closing ? Type.ADAPTER_CLOSE : Type.HEARTBEAT, uid, nsp));
    }

    @Override
    void sendUnanswered(String requester, String requestId) {
        respond(requester, new Unanswered(requestId));
    }

    // ------------------------------------------------------------------ messages of other servers

    /**
     * A message of another server (or this server's own, dropped): Node's {@code ClusterAdapter.onMessage} and
     * {@code onResponse} in one, since a response may reach this server on a channel of requests too. On the context.
     */
    final void onClusterMessage(ClusterMessage message) {
        String from = message.uid();
        if (from.equals(uid) || !message.nsp().equals(nsp)) {
            return;
        }
        heard(from, message.type() == Type.HEARTBEAT);
        if (message.type() != Type.HEARTBEAT) {
            factory.observer().remoteMessage("Redis server " + from, message.type().name(), nsp);
        }
        switch (message.type()) {
            case INITIAL_HEARTBEAT, HEARTBEAT -> {
                // heard
            }
            case ADAPTER_CLOSE -> left(from);
            case BROADCAST -> {
                Broadcast broadcast = (Broadcast) message.data();
                String requestId = broadcast.requestId();
                if (requestId == null) {
                    onRemoteBroadcast(broadcast.packet(), broadcast.opts());
                    return;
                }
                onBroadcastWithAck(broadcast.packet(), broadcast.opts(),
                        count -> respond(from, new BroadcastClientCount(requestId, count)),
                        arg -> respond(from, new BroadcastAck(requestId, arg)));
            }
            case SOCKETS_JOIN, SOCKETS_LEAVE, DISCONNECT_SOCKETS -> applyRoomOperation(message);
            case FETCH_SOCKETS -> {
                FetchSockets fetch = (FetchSockets) message.data();
                List<SocketDetails> sockets = new ArrayList<>();
                for (LocalSocket socket : localTargets(fetch.opts())) {
                    sockets.add(SocketDetails.of(socket, namespace));
                }
                respond(from, new FetchSocketsResponse(fetch.requestId(), sockets));
            }
            case SERVER_SIDE_EMIT -> {
                ServerSideEmit emit = (ServerSideEmit) message.data();
                String requestId = emit.requestId();
                if (requestId == null) {
                    namespace.onServerSideEmit(emit.packet(), null);
                    return;
                }
                boolean handled = namespace.onServerSideEmit(emit.packet(), new FirstAnswer(args -> respond(from,
                        new ServerSideEmitResponse(requestId, args == null || args.isEmpty() ? null : args.get(0)))));
                if (!handled && isJavaPeer(from)) {
                    sendUnanswered(from, requestId);
                }
            }
            case FETCH_SOCKETS_RESPONSE -> {
                FetchSocketsResponse response = (FetchSocketsResponse) message.data();
                List<RemoteSocket> sockets = new ArrayList<>(response.sockets().size());
                for (SocketDetails socket : response.sockets()) {
                    sockets.add(socket.toRemoteSocket(namespace));
                }
                answer(response.requestId(), from, sockets);
            }
            case SERVER_SIDE_EMIT_RESPONSE -> {
                ServerSideEmitResponse response = (ServerSideEmitResponse) message.data();
                answer(response.requestId(), from,
                        List.of(response.packet() == null ? NullNode.getInstance() : response.packet()));
            }
            case BROADCAST_CLIENT_COUNT -> {
                BroadcastClientCount count = (BroadcastClientCount) message.data();
                answer(count.requestId(), from, List.of(count.clientCount()));
            }
            case BROADCAST_ACK -> {
                BroadcastAck ack = (BroadcastAck) message.data();
                broadcastAck(ack.requestId(), ack.packet() == null || ack.packet().isNull() ? null : ack.packet());
            }
            case UNANSWERED -> unanswered(((Unanswered) message.data()).requestId(), from);
            default -> LOG.debugf("Ignored a %s message of namespace %s", message.type(), nsp);
        }
    }

    /**
     * A message this server cannot read: when it is a request of a Java server (a type of a newer version), that
     * server is told at once not to wait for this one.
     */
    final void onUnreadable(JsonNode tree) {
        JsonNode requestId = tree.path("data").path("requestId");
        String from = tree.path("uid").asText("");
        if (requestId.isTextual() && tree.path("type").isIntegralNumber()
                && Type.of(tree.path("type").longValue()) == null && nsp.equals(tree.path("nsp").asText())
                && !from.equals(uid) && isJavaPeer(from)) {
            sendUnanswered(from, requestId.textValue());
        }
    }

    /** A socketsJoin, socketsLeave or disconnectSockets, applied to this server's sockets. */
    final void applyRoomOperation(ClusterMessage message) {
        switch (message.type()) {
            case SOCKETS_JOIN -> {
                Rooms rooms = (Rooms) message.data();
                super.addSockets(rooms.opts(), rooms.rooms());
            }
            case SOCKETS_LEAVE -> {
                Rooms rooms = (Rooms) message.data();
                super.delSockets(rooms.opts(), rooms.rooms());
            }
            case DISCONNECT_SOCKETS -> {
                DisconnectSockets disconnect = (DisconnectSockets) message.data();
                super.disconnectSockets(disconnect.opts(), disconnect.close());
            }
            default -> throw new IllegalArgumentException("Not a room operation: " + message.type());
        }
    }

    /** Node sends no packet id: each receiving server gives a broadcast with acknowledgements one of its own. */
    final SocketIOPacket withoutAckId(SocketIOPacket packet) {
        return packet.hasAckId() ? new SocketIOPacket(packet.type(), nsp, SocketIOPacket.NO_ACK, packet.data())
                : packet;
    }
}
