package io.quarkiverse.socketio.runtime.adapter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace.LocalBroadcast;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace.LocalSocket;
import io.quarkiverse.socketio.runtime.parser.OutboundPacket;
import io.quarkiverse.socketio.runtime.parser.PacketType;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;
import io.quarkiverse.socketio.runtime.recovery.Offsets;
import io.quarkiverse.socketio.runtime.recovery.RecoveryStore;
import io.quarkiverse.socketio.runtime.recovery.RestoredSession;
import io.quarkiverse.socketio.runtime.recovery.SessionState;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The adapter of a single process: rooms in memory, every operation applied to local sockets only. Other adapters
 * extend it and add the way to reach other servers.
 */
public class InMemoryAdapter implements Adapter {

    protected final LocalNamespace namespace;
    /** room -> ids of the local sockets in it */
    private final Map<String, Set<String>> rooms = new ConcurrentHashMap<>();
    /** socket id -> its rooms */
    private final Map<String, Set<String>> socketRooms = new ConcurrentHashMap<>();

    public InMemoryAdapter(LocalNamespace namespace) {
        this.namespace = namespace;
    }

    @Override
    public void addAll(String socketId, Set<String> newRooms) {
        Set<String> joined = socketRooms.computeIfAbsent(socketId, id -> ConcurrentHashMap.newKeySet());
        for (String room : newRooms) {
            joined.add(room);
            boolean[] created = new boolean[1];
            rooms.computeIfAbsent(room, r -> {
                created[0] = true;
                return ConcurrentHashMap.newKeySet();
            }).add(socketId);
            if (created[0]) {
                roomCreated(room, socketId);
            }
        }
    }

    @Override
    public void del(String socketId, String room) {
        Set<String> joined = socketRooms.get(socketId);
        if (joined != null) {
            joined.remove(room);
        }
        removeFromRoom(room, socketId);
    }

    @Override
    public void delAll(String socketId) {
        Set<String> joined = socketRooms.remove(socketId);
        if (joined != null) {
            for (String room : joined) {
                removeFromRoom(room, socketId);
            }
        }
    }

    private void removeFromRoom(String room, String socketId) {
        boolean[] deleted = new boolean[1];
        rooms.computeIfPresent(room, (r, members) -> {
            members.remove(socketId);
            deleted[0] = members.isEmpty();
            return deleted[0] ? null : members;
        });
        if (deleted[0]) {
            roomDeleted(room, socketId);
        }
    }

    /**
     * A room got its first local member ({@code socketId}), as socket.io-adapter's {@code create-room} event; for the
     * adapters that subscribe per room. Called on the thread that joined.
     */
    protected void roomCreated(String room, String socketId) {
    }

    /** A room lost its last local member ({@code socketId}), as socket.io-adapter's {@code delete-room} event. */
    protected void roomDeleted(String room, String socketId) {
    }

    @Override
    public Set<String> socketRooms(String socketId) {
        Set<String> joined = socketRooms.get(socketId);
        return joined == null ? Set.of() : Collections.unmodifiableSet(joined);
    }

    /** The ids of the local rooms, for tooling. */
    public Set<String> roomNames() {
        return Collections.unmodifiableSet(rooms.keySet());
    }

    /**
     * {@inheritDoc}
     * <p>
     * With connection state recovery on, a recoverable broadcast gets the next offset of the process's store as its
     * last argument, is kept there, and is delivered while the store is held: every socket sees the broadcasts in
     * offset order, and a socket being restored gets each one either among its missed packets or live, never both.
     */
    @Override
    public void broadcast(SocketIOPacket packet, BroadcastOptions options) {
        RecoveryStore<LocalBroadcast, SessionState> store = namespace.recoveryStore();
        if (store == null || !isRecoverable(packet, options)) {
            deliver(packet, options);
            return;
        }
        synchronized (store) {
            OutboundPacket encoded = namespace.encode(withOffset(packet, store.nextOffset()));
            store.append(new LocalBroadcast(namespace.name(), options, encoded), encodedSize(encoded));
            List<LocalSocket> targets = localTargets(options);
            deliverTo(targets, encoded, options);
            namespace.delivered(packet, encoded, targets);
        }
    }

    /**
     * Whether a broadcast is kept for recovery, as in Node.js: an event without acknowledgement (an ack callback
     * cannot be restored on another server) and not volatile.
     */
    public static boolean isRecoverable(SocketIOPacket packet, BroadcastOptions options) {
        return packet.type() == PacketType.EVENT && !packet.hasAckId() && !options.flags().volatile_();
    }

    /** The packet with the offset appended as its last argument, where socket.io-client looks for it. */
    public static SocketIOPacket withOffset(SocketIOPacket packet, long offset) {
        return withOffset(packet, Offsets.format(offset));
    }

    /**
     * The packet with an offset of the adapter's own text appended as its last argument (the Redis streams adapter's
     * are stream entry ids, {@code <ms>-<seq>}).
     */
    public static SocketIOPacket withOffset(SocketIOPacket packet, String offset) {
        ArrayNode data = ((ArrayNode) packet.data()).deepCopy();
        data.add(offset);
        return SocketIOPacket.event(packet.namespace(), data);
    }

    /** What an encoded packet weighs in the store: its text (UTF-16 upper bound) and attachments. */
    public static int encodedSize(OutboundPacket packet) {
        long size = 2L * packet.text().text().length();
        for (var attachment : packet.attachments()) {
            size += attachment.length();
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    /** Writes a packet to the local sockets the options select, without keeping it anywhere. */
    protected void deliver(SocketIOPacket packet, BroadcastOptions options) {
        List<LocalSocket> targets = localTargets(options);
        if (targets.isEmpty()) {
            return;
        }
        OutboundPacket encoded = namespace.encode(packet);
        deliverTo(targets, encoded, options);
        namespace.delivered(packet, encoded, targets);
    }

    /** Writes an encoded packet to the local sockets the options select. */
    protected void deliver(OutboundPacket encoded, BroadcastOptions options) {
        deliverTo(localTargets(options), encoded, options);
    }

    private static void deliverTo(List<LocalSocket> targets, OutboundPacket encoded, BroadcastOptions options) {
        for (LocalSocket socket : targets) {
            socket.deliver(encoded, options.flags().volatile_());
        }
    }

    @Override
    public void persistSession(SessionState session) {
        RecoveryStore<LocalBroadcast, SessionState> store = namespace.recoveryStore();
        if (store != null) {
            store.disconnected(session.key(), session);
        }
    }

    @Override
    public void discardSession(SessionState session) {
        RecoveryStore<LocalBroadcast, SessionState> store = namespace.recoveryStore();
        if (store != null) {
            store.discard(session.key());
        }
    }

    @Override
    public void restoreSession(String pid, String offsetText, Consumer<RestoredSession> then) {
        RecoveryStore<LocalBroadcast, SessionState> store = namespace.recoveryStore();
        long offset = Offsets.parse(offsetText);
        if (store == null || offset < 0) {
            then.accept(null);
            return;
        }
        synchronized (store) {
            RecoveryStore.Restored<LocalBroadcast, SessionState> restored = store
                    .take(SessionState.key(namespace.name(), pid), offset);
            if (restored == null) {
                then.accept(null);
                return;
            }
            List<OutboundPacket> missed = new ArrayList<>();
            for (LocalBroadcast broadcast : restored.missed()) {
                if (broadcast.nsp().equals(namespace.name())
                        && broadcast.opts().selects(restored.session().rooms())) {
                    missed.add(broadcast.packet());
                }
            }
            then.accept(new RestoredSession(restored.session(), missed));
        }
    }

    @Override
    public void broadcastWithAck(SocketIOPacket packet, BroadcastOptions options, IntConsumer clientCount,
            Consumer<JsonNode> ack) {
        List<LocalSocket> targets = localTargets(options);
        clientCount.accept(targets.size());
        if (targets.isEmpty()) {
            return;
        }
        // One ack id serves every recipient: each socket keeps its own callback under it.
        OutboundPacket encoded = namespace.encode(packet);
        Consumer<ArrayNode> firstArgument = args -> ack.accept(args.isEmpty() ? null : args.get(0));
        for (LocalSocket socket : targets) {
            socket.expectAck(packet.ackId(), firstArgument);
            socket.deliver(encoded, options.flags().volatile_());
        }
        namespace.delivered(packet, encoded, targets);
    }

    @Override
    public Uni<List<RemoteSocket>> fetchSockets(BroadcastOptions options) {
        List<RemoteSocket> result = new ArrayList<>();
        for (LocalSocket socket : localTargets(options)) {
            result.add(socket.snapshot());
        }
        return Uni.createFrom().item(result);
    }

    @Override
    public void addSockets(BroadcastOptions options, Set<String> newRooms) {
        String[] rooms = newRooms.toArray(String[]::new);
        for (LocalSocket socket : localTargets(options)) {
            socket.join(rooms);
        }
    }

    @Override
    public void delSockets(BroadcastOptions options, Set<String> oldRooms) {
        for (LocalSocket socket : localTargets(options)) {
            for (String room : oldRooms) {
                socket.leave(room);
            }
        }
    }

    @Override
    public void disconnectSockets(BroadcastOptions options, boolean close) {
        for (LocalSocket socket : localTargets(options)) {
            socket.disconnect(close);
        }
    }

    @Override
    public void serverSideEmit(ArrayNode eventAndArgs) {
        // No other server to reach.
    }

    @Override
    public Uni<List<JsonNode>> serverSideEmitWithAck(ArrayNode eventAndArgs) {
        return Uni.createFrom().item(List.of());
    }

    @Override
    public Uni<Integer> serverCount() {
        return Uni.createFrom().item(1);
    }

    @Override
    public void close() {
        rooms.clear();
        socketRooms.clear();
    }

    /** The local sockets the options select, each once. */
    protected List<LocalSocket> localTargets(BroadcastOptions options) {
        Set<String> excluded = options.except().isEmpty() ? Set.of() : membersOf(options.except());
        List<LocalSocket> targets = new ArrayList<>();
        if (options.rooms().isEmpty()) {
            for (LocalSocket socket : namespace.sockets()) {
                if (!excluded.contains(socket.id())) {
                    targets.add(socket);
                }
            }
            return targets;
        }
        for (String id : membersOf(options.rooms())) {
            if (!excluded.contains(id)) {
                LocalSocket socket = namespace.socket(id);
                if (socket != null) {
                    targets.add(socket);
                }
            }
        }
        return targets;
    }

    private Set<String> membersOf(Set<String> roomNames) {
        if (roomNames.size() == 1) {
            Set<String> members = rooms.get(roomNames.iterator().next());
            return members == null ? Set.of() : members;
        }
        Set<String> ids = new HashSet<>();
        for (String room : roomNames) {
            Set<String> members = rooms.get(room);
            if (members != null) {
                ids.addAll(members);
            }
        }
        return ids;
    }

    /** Completes a request's Uni on the Vert.x context of its caller, when it had one. */
    protected static <T> void completeOn(Context caller, UniEmitter<? super T> emitter, T item) {
        if (caller == null || Vertx.currentContext() == caller) {
            emitter.complete(item);
        } else {
            caller.runOnContext(v -> emitter.complete(item));
        }
    }

    /** Fails a request's Uni on the Vert.x context of its caller, when it had one. */
    protected static void failOn(Context caller, UniEmitter<?> emitter, Throwable failure) {
        if (caller == null || Vertx.currentContext() == caller) {
            emitter.fail(failure);
        } else {
            caller.runOnContext(v -> emitter.fail(failure));
        }
    }
}
