package io.quarkiverse.socketio.runtime.adapter.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.jboss.logging.Logger;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace.LocalSocket;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Broadcast;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.DisconnectSockets;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Rooms;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessage.Type;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessageCodec;
import io.quarkiverse.socketio.runtime.adapter.wire.WireModule;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterProtocolException;
import io.quarkiverse.socketio.runtime.parser.OutboundPacket;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;
import io.quarkiverse.socketio.runtime.recovery.RestoredSession;
import io.quarkiverse.socketio.runtime.recovery.SessionState;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The adapter of one namespace that speaks Node's {@code @socket.io/redis-streams-adapter} 0.3.1, including its
 * connection state recovery: a client comes back on any server, Java or Node, of any host, as the same socket, with its
 * rooms, its data and the broadcasts it missed.
 * <p>
 * <b>The stream</b> ({@code stream-name}, one for every namespace) carries what must reach every server in order:
 * broadcasts without acknowledgements (3), socketsJoin (4), socketsLeave (5) and disconnectSockets (6), each as
 * {@code XADD <stream> MAXLEN ~ <max-len> * uid <uid> nsp <nsp> type <n> data <data>} on the connector's ordered
 * publishing connection. {@code data} is the message's data as JSON text ({@code {"packet":...,"opts":...}}), or, when
 * a broadcast holds binary, the base64 text of its MessagePack (Node's receivers tell them apart by the leading
 * <code>{</code>). Every server reads the stream with one {@link StreamReader} (per server, not per namespace).
 * <p>
 * <b>Pub/sub</b> carries the requests and answers, always MessagePack {@code {type, data, uid, nsp}}
 * ({@link ClusterMessageCodec}): on the public channel {@code <prefix>#<nsp>#} a broadcast with acknowledgements (3 with
 * a {@code requestId}), serverSideEmit with or without acknowledgement (9), fetchSockets (7), and the Java servers'
 * heartbeat (2) and farewell (13), which Node ignores; on the requester's private channel {@code <prefix>#<nsp>#<uid>#}
 * the answers (8, 10, 11, 12) and a Java server's "I will not answer" ({@link Type#UNANSWERED}). Both channels are
 * subscribed on the connector's one subscribing connection, so {@code PUBSUB NUMSUB <prefix>#<nsp>#} counts this server
 * once, as Node counts its servers.
 * <p>
 * <b>Applying in stream order.</b> An entry this server wrote is applied here when the reader reads it back, like every
 * other server's (Node applies its own when XADD answers): every server then applies the entries of the stream in the
 * stream's order, and the reader's {@linkplain StreamReader#position() position} is exactly what this server has
 * applied. A recoverable broadcast ({@link #isRecoverable}) gets the entry id as its last argument, its offset, on every
 * server, the one that wrote it included: the same id Node's servers append. A {@code local} operation is applied at
 * once and never written.
 * <p>
 * <b>Sessions.</b> With connection state recovery on, a socket's session is kept under
 * {@code <session-key-prefix><pid>} as Node writes it: the base64 text of the MessagePack {@code {sid, pid, rooms,
 * data}}, set with {@code PX <max-disconnection-duration>} when the socket disconnects in a way that allows recovery,
 * deleted when it leaves for good. Unlike Node, this server also keeps the session of every connected socket there
 * (when it connects, joins or leaves a room, and again every quarter of the window, with the window and a quarter to
 * live): a client whose whole host died, which never got to write anything, still finds its session on another host.
 * <p>
 * <b>Restoring</b> a session (a CONNECT with {@code pid} and an {@code offset} of Node's shape {@code <ms>-<seq>}):
 * {@code MULTI GET DEL EXEC} takes the session (one server only gets it), {@code XRANGE <stream> <offset> <offset>}
 * checks that the stream still holds the offset (else the client may have missed trimmed entries: no recovery), then
 * {@code XRANGE} pages read what follows. The missed broadcasts are those of this namespace that select the session's
 * rooms, read up to the reader's position: on the factory's context, when the pages reached that position, the socket
 * is put back in its rooms ({@code then}) in the same step, so every entry up to the position is among the missed ones
 * and every entry after it reaches the socket live from the reader: none is lost, none comes twice. When the reader
 * moved past the pages meanwhile, the next page is read first; when it is still behind the client's offset (it lags, or
 * just started), the restore waits for it, since the entries up to the offset are the ones the client already has.
 * Unlike Node, volatile broadcasts are not replayed: they are not recoverable live either (no offset), and a sender
 * that lets a packet be dropped does not expect it minutes later.
 * <p>
 * <b>Redis outages.</b> Local clients keep being served. A stream operation made while Redis is away (or whose XADD
 * failed) is applied here at once, without an offset, and its XADD is kept, at most {@code max-len} of them, the oldest
 * dropped first; they are written in order once Redis is back ({@link #onRedisBack()}), so the other servers get them
 * after the reconnection. They are written under a second uid of this adapter, the one of entries already applied
 * here, so that the reader skips them (Node's servers see another writer). An XADD whose connection died after Redis
 * ran it is written twice (at least once rather than at most once). Session writes are kept likewise; requests over
 * pub/sub fail or time out as the classic adapter's do.
 * <p>
 * <b>What Node does differently, and why this does not.</b>
 * <ul>
 * <li>Node delivers its own broadcast when XADD answers, its reader delivers the others': its clients may get two
 * servers' broadcasts in another order than the stream's, and a client of a Node server that drops at that moment can
 * miss one when it recovers (its offset is past an entry it never got). Here the stream's order is every client's
 * order.</li>
 * <li>Node writes a session only when its socket disconnects: a client of a Node server that died has nothing to
 * recover. Here live sessions are in Redis too; a change of the socket's data alone reaches Redis with its next room
 * change or refresh. A restore is refused while the session's socket is still connected to this server (a client
 * that noticed a dead connection before the server did): the old socket writes the session again when it goes.</li>
 * <li>Node's restore reads at most 100 XRANGEs without COUNT and keeps what it got; here pages of
 * {@value #RESTORE_PAGE}, at most {@value #RESTORE_MAX_PAGES}, and no recovery beyond (a partial replay would lose
 * broadcasts silently).</li>
 * <li>Node's reader restarts from {@code $} after each empty read (see {@link StreamReader}).</li>
 * <li>Java servers heartbeat, say goodbye and say when they will not answer (see {@link RedisAdapter}); Node ignores
 * these messages, and its requests wait for a Java server as for any other.</li>
 * </ul>
 * Session keys are not namespaced ({@code pid}s are unique), as Node's. The commands kept during an outage are lost
 * when the adapter closes before Redis is back.
 * <p>
 * Threading: messages, entries, replies and timers run on the factory's context; the local operations may be called
 * from any thread.
 */
final class StreamsRedisAdapter extends ClusterMessageAdapter {

    private static final Logger LOG = Logger.getLogger(StreamsRedisAdapter.class);
    private static final ObjectMapper MSGPACK = WireModule.mapper(new MessagePackFactory(), false);
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** entries one XRANGE of a restore reads */
    static final int RESTORE_PAGE = 1000;
    /** at most this many pages per restore (Node stops after 100 XRANGEs, whatever it read) */
    static final int RESTORE_MAX_PAGES = 100;
    /** a failing kept command is dropped after this many tries while Redis answers */
    private static final int KEPT_TRIES = 3;

    private final String stream;
    private final String channelPrefix;
    private final String publicChannel;
    private final String privateChannel;
    /** the uid of the entries this adapter writes after applying them itself (kept during an outage) */
    private final String appliedUid;
    private final int maxLen;
    private final boolean recovery;
    private final String sessionKeyPrefix;
    /** how long a disconnected session lives ({@code max-disconnection-duration}) */
    private final long sessionMillis;
    /** how often the sessions of connected sockets are written again */
    private final long refreshMillis;

    // ---- confined to the factory's context ----
    /** commands kept while Redis is away, in order */
    private final Deque<Request> kept = new ArrayDeque<>();
    private boolean flushing;
    private int headTries;
    private long flushTimer = -1;
    private long refreshTimer = -1;
    private boolean droppedWarned;

    StreamsRedisAdapter(LocalNamespace namespace, RedisAdapterFactory factory) {
        super(namespace, factory);
        this.stream = factory.settings().streamName();
        this.channelPrefix = factory.settings().keyPrefix() + "#" + nsp + "#";
        this.publicChannel = channelPrefix;
        this.privateChannel = channelPrefix + uid + "#";
        this.appliedUid = randomId();
        this.maxLen = Math.max(1, factory.settings().maxLen());
        this.recovery = factory.recovery();
        this.sessionKeyPrefix = factory.settings().sessionKeyPrefix();
        this.sessionMillis = Math.max(1, factory.config().connectionStateRecovery().maxDisconnectionDuration()
                .toMillis());
        this.refreshMillis = Math.max(1000, sessionMillis / 4);
    }

    @Override
    void subscribe() {
        factory.connector().subscribe(publicChannel, privateChannel);
        if (recovery) {
            refreshTimer = factory.vertx().setPeriodic(refreshMillis, t -> onContext(this::refreshSessions));
        }
    }

    @Override
    void unsubscribe() {
        factory.connector().unsubscribe(publicChannel, privateChannel);
        if (refreshTimer != -1) {
            factory.vertx().cancelTimer(refreshTimer);
        }
        if (flushTimer != -1) {
            factory.vertx().cancelTimer(flushTimer);
        }
    }

    @Override
    boolean accepts(String channel) {
        return channel.equals(publicChannel) || channel.equals(privateChannel);
    }

    @Override
    String countChannel() {
        return publicChannel;
    }

    @Override
    boolean shardedCount() {
        return false;
    }

    // ------------------------------------------------------------------ local operations: the stream

    @Override
    public void broadcast(SocketIOPacket packet, BroadcastOptions options) {
        if (options.flags().local()) {
            deliver(packet, options);
            return;
        }
        append(new ClusterMessage(Type.BROADCAST, uid, nsp, new Broadcast(options, withoutAckId(packet), null)),
                () -> deliver(packet, options));
    }

    @Override
    public void addSockets(BroadcastOptions options, Set<String> rooms) {
        if (options.flags().local()) {
            super.addSockets(options, rooms);
            return;
        }
        append(new ClusterMessage(Type.SOCKETS_JOIN, uid, nsp, new Rooms(options, rooms)),
                () -> super.addSockets(options, rooms));
    }

    @Override
    public void delSockets(BroadcastOptions options, Set<String> rooms) {
        if (options.flags().local()) {
            super.delSockets(options, rooms);
            return;
        }
        append(new ClusterMessage(Type.SOCKETS_LEAVE, uid, nsp, new Rooms(options, rooms)),
                () -> super.delSockets(options, rooms));
    }

    @Override
    public void disconnectSockets(BroadcastOptions options, boolean close) {
        if (options.flags().local()) {
            super.disconnectSockets(options, close);
            return;
        }
        append(new ClusterMessage(Type.DISCONNECT_SOCKETS, uid, nsp, new DisconnectSockets(options, close)),
                () -> super.disconnectSockets(options, close));
    }

    /**
     * Writes an operation to the stream: applied here when the reader reads it back. When Redis is away (commands
     * are kept already, or this XADD fails), {@code applyHere} runs at once and the XADD is kept for later.
     */
    private void append(ClusterMessage message, Runnable applyHere) {
        onContext(() -> {
            if (closed) {
                return;
            }
            if (!kept.isEmpty()) {
                keep(xadd(message, appliedUid));
                applyHere.run();
                return;
            }
            factory.connector().publish(xadd(message, uid)).onComplete(added -> onContext(() -> {
                if (added.failed() && !closed) {
                    LOG.debugf("Socket.IO Redis streams adapter: XADD failed (%s); applied here, written later",
                            added.cause().getMessage());
                    keep(xadd(message, appliedUid));
                    applyHere.run();
                }
            }));
        });
    }

    /** {@code XADD <stream> MAXLEN ~ <max-len> * uid <uid> nsp <nsp> type <type> data <data>}, as Node writes it. */
    Request xadd(ClusterMessage message, String writer) {
        Request request = Request.cmd(Command.XADD).arg(stream).arg("MAXLEN").arg("~").arg(maxLen).arg("*")
                .arg("uid").arg(writer).arg("nsp").arg(nsp).arg("type").arg(message.type().code());
        byte[] data = entryData(factory.codec(), message);
        if (data != null) {
            request.arg("data").arg(data);
        }
        return request;
    }

    /**
     * The {@code data} field of an entry: JSON text, or the base64 text of the MessagePack data when a message that
     * may carry binary does (Node's rule, its {@code onlyPlaintext} off).
     */
    static byte[] entryData(ClusterMessageCodec codec, ClusterMessage message) {
        if (message.data() == null) {
            return null;
        }
        if (ClusterMessageCodec.hasBinary(message)) {
            return Base64.getEncoder().encode(codec.encodeData(message));
        }
        return codec.encodeDataJson(message);
    }

    /** The message of a stream entry's fields ({@code uid nsp type data}). */
    static ClusterMessage fromEntry(ClusterMessageCodec codec, Map<String, String> fields) {
        String from = fields.get("uid");
        String namespace = fields.get("nsp");
        String typeText = fields.get("type");
        if (from == null || namespace == null || typeText == null) {
            throw new ClusterProtocolException("A stream entry without uid, nsp or type");
        }
        Type type;
        try {
            type = Type.of(Integer.parseInt(typeText));
        } catch (NumberFormatException e) {
            type = null;
        }
        if (type == null) {
            throw new ClusterProtocolException("A stream entry of unknown type " + typeText);
        }
        String data = fields.get("data");
        JsonNode tree = null;
        if (data != null && !data.isEmpty()) {
            if (data.charAt(0) == '{') {
                tree = codec.readJson(data.getBytes(StandardCharsets.UTF_8));
            } else {
                byte[] bytes;
                try {
                    bytes = Base64.getDecoder().decode(data);
                } catch (IllegalArgumentException e) {
                    throw new ClusterProtocolException("A stream entry's data is neither JSON nor base64", e);
                }
                tree = codec.readTree(bytes, 0, bytes.length);
            }
        }
        return codec.fromParts(type, from, namespace, tree);
    }

    // ------------------------------------------------------------------ requests and answers: pub/sub

    @Override
    void publish(ClusterMessage message) {
        publish(publicChannel, message);
    }

    @Override
    void respond(String requester, ClusterMessage.Payload answer) {
        publish(channelPrefix + requester + "#", ClusterMessage.of(uid, nsp, answer));
    }

    /** A broadcast over pub/sub (Node writes its broadcasts to the stream): delivered, without an offset. */
    @Override
    void onRemoteBroadcast(SocketIOPacket packet, BroadcastOptions options) {
        deliver(packet, options);
    }

    // ------------------------------------------------------------------ from Redis

    /** An entry of the stream for this namespace, in stream order. On the context. */
    void onEntry(StreamReader.Entry entry) {
        if (closed) {
            return;
        }
        String from = entry.fields().get("uid");
        if (appliedUid.equals(from)) {
            return; // written after an outage: applied here when it was made
        }
        ClusterMessage message;
        try {
            message = fromEntry(factory.codec(), entry.fields());
        } catch (ClusterProtocolException e) {
            LOG.debugf("Dropped a malformed entry %s of stream %s: %s", entry.id(), stream, e.getMessage());
            return;
        }
        if (!message.uid().equals(uid)) {
            heard(message.uid(), false);
            factory.observer().remoteMessage("Redis server " + message.uid(), message.type().name(), nsp);
        }
        switch (message.type()) {
            case BROADCAST -> {
                Broadcast broadcast = (Broadcast) message.data();
                if (broadcast.requestId() != null) {
                    onClusterMessage(message); // not written to the stream by Node; answered as over pub/sub
                    return;
                }
                SocketIOPacket packet = broadcast.packet();
                if (recovery && isRecoverable(packet, broadcast.opts())) {
                    packet = withOffset(packet, entry.id().toString());
                }
                deliver(packet, broadcast.opts());
            }
            case SOCKETS_JOIN, SOCKETS_LEAVE, DISCONNECT_SOCKETS -> applyRoomOperation(message);
            default -> onClusterMessage(message);
        }
    }

    @Override
    void onMessage(String channel, byte[] payload) {
        if (closed) {
            return;
        }
        JsonNode tree = null;
        try {
            tree = factory.codec().readTree(payload, 0, payload.length);
            onClusterMessage(factory.codec().fromTree(tree));
        } catch (ClusterProtocolException e) {
            LOG.debugf("Dropped a malformed message of channel %s: %s", channel, e.getMessage());
            if (tree != null) {
                onUnreadable(tree);
            }
        }
    }

    // ------------------------------------------------------------------ connection state recovery

    @Override
    public void addAll(String socketId, Set<String> rooms) {
        super.addAll(socketId, rooms);
        sessionChanged(socketId);
    }

    @Override
    public void del(String socketId, String room) {
        super.del(socketId, room);
        sessionChanged(socketId);
    }

    /** A connected socket's rooms changed: its session in Redis follows. */
    private void sessionChanged(String socketId) {
        if (!recovery) {
            return;
        }
        LocalSocket socket = namespace.socket(socketId);
        SessionState session = socket == null ? null : socket.session();
        if (session != null) {
            sessionUpdated(session);
        }
    }

    /** A connected socket's session, kept in Redis so that it survives this host (see the class comment). */
    @Override
    public void sessionUpdated(SessionState session) {
        if (recovery && !closed) {
            writeSession(setSession(session, sessionMillis + refreshMillis), false);
        }
    }

    @Override
    public void persistSession(SessionState session) {
        if (recovery && !closed) {
            writeSession(setSession(session, sessionMillis), true);
        }
    }

    @Override
    public void discardSession(SessionState session) {
        if (recovery && !closed) {
            writeSession(Request.cmd(Command.DEL).arg(sessionKeyPrefix + session.pid()), true);
        }
    }

    private Request setSession(SessionState session, long ttlMillis) {
        return Request.cmd(Command.SET).arg(sessionKeyPrefix + session.pid())
                .arg(sessionValue(session, namespace.dataTree(session.sid(), session.data())))
                .arg("PX").arg(ttlMillis);
    }

    /**
     * Sends a session write on the publishing connection (after the broadcasts made before it); {@code keepIfAway}:
     * kept for later when Redis is away, else dropped (the next refresh writes it again).
     */
    private void writeSession(Request request, boolean keepIfAway) {
        onContext(() -> {
            if (!kept.isEmpty()) {
                if (keepIfAway) {
                    keep(request);
                }
                return;
            }
            factory.connector().publish(request).onComplete(written -> onContext(() -> {
                if (written.failed() && keepIfAway && !closed) {
                    keep(request);
                }
            }));
        });
    }

    /** Writes the sessions of the connected sockets again, before they expire. On the context. */
    private void refreshSessions() {
        if (closed || !kept.isEmpty() || !factory.connector().isUp()) {
            return;
        }
        for (LocalSocket socket : namespace.sockets()) {
            SessionState session = socket.session();
            if (session != null) {
                writeSession(setSession(session, sessionMillis + refreshMillis), false);
            }
        }
    }

    /**
     * A session as Node's adapter writes it: the base64 text of the MessagePack {@code {sid, pid, rooms, data}}, the
     * socket's own room first.
     */
    static byte[] sessionValue(SessionState session, ObjectNode data) {
        ObjectNode root = NODES.objectNode().put("sid", session.sid()).put("pid", session.pid());
        ArrayNode rooms = root.putArray("rooms");
        if (session.rooms().contains(session.sid())) {
            rooms.add(session.sid());
        }
        session.rooms().stream().filter(room -> !room.equals(session.sid())).sorted().forEach(rooms::add);
        root.set("data", data == null ? NODES.objectNode() : data);
        try {
            return Base64.getEncoder().encode(MSGPACK.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot encode the session of socket " + session.sid(), e);
        }
    }

    /** The session of a value Node's adapter (or this one) wrote, for namespace {@code nsp}. */
    static SessionState readSession(ClusterMessageCodec codec, String nsp, byte[] value) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new ClusterProtocolException("A session is not base64", e);
        }
        JsonNode root = codec.readTree(bytes, 0, bytes.length);
        if (!root.path("sid").isTextual() || !root.path("pid").isTextual()) {
            throw new ClusterProtocolException("A session without sid or pid");
        }
        Set<String> rooms = new LinkedHashSet<>(WireModule.stringSet(root.get("rooms"), "rooms"));
        String sid = root.get("sid").textValue();
        rooms.add(sid);
        Map<String, Object> data = Map.of();
        JsonNode tree = root.get("data");
        if (tree != null && tree.isObject()) {
            try {
                data = PLAIN.convertValue(tree, MAP);
            } catch (IllegalArgumentException e) {
                throw new ClusterProtocolException("A session's data cannot be read: " + e.getMessage(), e);
            }
        }
        return new SessionState(nsp, sid, root.get("pid").textValue(), rooms, data);
    }

    @Override
    public void restoreSession(String pid, String offsetText, Consumer<RestoredSession> then) {
        StreamId offset = StreamId.parse(offsetText);
        StreamReader reader = factory.reader();
        if (!recovery || closed || offset == null || reader == null) {
            then.accept(null);
            return;
        }
        String key = sessionKeyPrefix + pid;
        Future<List<Response>> taken = factory.connector().batch(List.of(Request.cmd(Command.MULTI),
                Request.cmd(Command.GET).arg(key), Request.cmd(Command.DEL).arg(key), Request.cmd(Command.EXEC)));
        Future<Response> offsetEntry = factory.connector().send(Request.cmd(Command.XRANGE).arg(stream)
                .arg(offset.toString()).arg(offset.toString()));
        Future.join(taken, offsetEntry).onComplete(both -> onContext(() -> {
            SessionState session = null;
            try {
                if (taken.succeeded() && offsetEntry.succeeded()) {
                    Response exec = taken.result().get(taken.result().size() - 1);
                    Response value = exec == null || exec.size() < 1 ? null : exec.get(0);
                    boolean offsetKept = offsetEntry.result() != null && offsetEntry.result().size() > 0;
                    if (value != null && offsetKept) {
                        session = readSession(factory.codec(), nsp, value.toBytes());
                    } else {
                        LOG.debugf("Session %s not recovered: %s", pid, value == null ? "no such session"
                                : "offset " + offset + " is no longer in stream " + stream);
                    }
                } else {
                    Throwable failure = taken.failed() ? taken.cause() : offsetEntry.cause();
                    LOG.debugf("Session %s not recovered: %s", pid, failure.toString());
                }
            } catch (ClusterProtocolException e) {
                LOG.debugf("Session %s not recovered: %s", pid, e.getMessage());
            }
            if (session == null || closed) {
                then.accept(null);
            } else if (namespace.socket(session.sid()) != null) {
                // its old socket is still connected here: it writes the session again when it closes
                LOG.debugf("Session %s not recovered: socket %s is still connected", pid, session.sid());
                then.accept(null);
            } else {
                new Restore(reader, session, offset, then).readPage();
            }
        }));
    }

    /**
     * Reads the missed entries of one restore and hands the session over in the reader's order. Confined to the
     * context.
     */
    private final class Restore {
        private final StreamReader reader;
        private final SessionState session;
        private final StreamId offset;
        private final Consumer<RestoredSession> then;
        private final List<StreamReader.Entry> read = new ArrayList<>();
        /** the last id read, from the offset on */
        private StreamId readTo;
        private int pages;
        private boolean done;

        Restore(StreamReader reader, SessionState session, StreamId offset, Consumer<RestoredSession> then) {
            this.reader = reader;
            this.session = session;
            this.offset = offset;
            this.then = then;
            this.readTo = offset;
        }

        void readPage() {
            if (++pages > RESTORE_MAX_PAGES) {
                LOG.warnf("Session %s not recovered: more than %d entries of stream %s follow its offset",
                        session.pid(), RESTORE_PAGE * RESTORE_MAX_PAGES, stream);
                finish(null);
                return;
            }
            factory.connector().send(Request.cmd(Command.XRANGE).arg(stream).arg(readTo.next().toString()).arg("+")
                    .arg("COUNT").arg(RESTORE_PAGE)).onComplete(page -> onContext(() -> {
                        if (done) {
                            return;
                        }
                        if (page.failed() || closed) {
                            LOG.debugf("Session %s not recovered: %s", session.pid(),
                                    page.failed() ? page.cause().toString() : "the adapter closed");
                            finish(null);
                            return;
                        }
                        List<StreamReader.Entry> entries = StreamReader.entries(page.result());
                        for (StreamReader.Entry entry : entries) {
                            if (entry.id().isAfter(readTo)) {
                                read.add(entry);
                                readTo = entry.id();
                            }
                        }
                        if (entries.size() >= RESTORE_PAGE) {
                            readPage();
                        } else {
                            caughtUp();
                        }
                    }));
        }

        /** The pages reached the end of the stream as it was: hand over, unless the reader is not where they are. */
        private void caughtUp() {
            if (done) {
                return;
            }
            StreamId position = reader.position();
            if (position == null || position.compareTo(offset) < 0) {
                // the reader has not applied every entry the client already got: those would come twice
                reader.whenAtLeast(offset, this::caughtUp);
                factory.vertx().setTimer(Math.max(1, factory.requestsTimeout().toMillis()), t -> onContext(() -> {
                    if (!done) {
                        LOG.debugf("Session %s not recovered: the stream's reader did not reach %s", session.pid(),
                                offset);
                        finish(null);
                    }
                }));
                return;
            }
            if (position.isAfter(readTo)) {
                readPage(); // applied here meanwhile, not read yet
                return;
            }
            List<OutboundPacket> missed = new ArrayList<>();
            for (StreamReader.Entry entry : read) {
                if (entry.id().isAfter(position)) {
                    break; // the reader applies it after the hand-over: the socket gets it live
                }
                SocketIOPacket packet = missedPacket(entry);
                if (packet != null) {
                    missed.add(namespace.encode(packet));
                }
            }
            finish(new RestoredSession(session, missed));
        }

        /** The packet of an entry the session missed, with its offset; {@code null} when the session is not for it. */
        private SocketIOPacket missedPacket(StreamReader.Entry entry) {
            if (!nsp.equals(entry.fields().get("nsp")) || !"3".equals(entry.fields().get("type"))) {
                return null;
            }
            try {
                ClusterMessage message = fromEntry(factory.codec(), entry.fields());
                Broadcast broadcast = (Broadcast) message.data();
                if (broadcast.requestId() != null || !isRecoverable(broadcast.packet(), broadcast.opts())
                        || !broadcast.opts().selects(session.rooms())) {
                    return null;
                }
                return withOffset(broadcast.packet(), entry.id().toString());
            } catch (ClusterProtocolException e) {
                LOG.debugf("Skipped a malformed entry %s of stream %s: %s", entry.id(), stream, e.getMessage());
                return null;
            }
        }

        private void finish(RestoredSession restored) {
            if (!done) {
                done = true;
                then.accept(restored);
            }
        }
    }

    // ------------------------------------------------------------------ outages

    /** Keeps a command for when Redis is back, in order, at most {@code max-len} of them. On the context. */
    private void keep(Request request) {
        if (kept.size() >= maxLen) {
            kept.poll();
            headTries = 0;
            if (!droppedWarned) {
                droppedWarned = true;
                LOG.warnf("Socket.IO Redis streams adapter: Redis is away; namespace %s keeps its last %d operations "
                        + "for the other servers and drops older ones", nsp, maxLen);
            }
        }
        kept.add(request);
        if (factory.connector().isUp()) {
            scheduleFlush(); // Redis answers, this command failed for another reason: try again later
        }
    }

    @Override
    void onRedisBack() {
        flush();
    }

    private void scheduleFlush() {
        if (flushTimer == -1 && !closed) {
            flushTimer = factory.vertx().setTimer(RedisConnector.MAX_RETRY_MS / 5, t -> onContext(() -> {
                flushTimer = -1;
                flush();
            }));
        }
    }

    /** Writes the kept commands, one after the other, in order. On the context. */
    private void flush() {
        if (flushing || kept.isEmpty() || closed) {
            return;
        }
        flushing = true;
        Request next = kept.peek();
        factory.connector().publish(next).onComplete(written -> onContext(() -> {
            flushing = false;
            if (written.succeeded()) {
                kept.poll();
                headTries = 0;
                if (kept.isEmpty()) {
                    droppedWarned = false;
                    LOG.debugf("Socket.IO Redis streams adapter: namespace %s wrote what it kept while Redis was away",
                            nsp);
                }
                flush();
                return;
            }
            if (factory.connector().isUp()) {
                if (++headTries >= KEPT_TRIES) {
                    LOG.warnf("Socket.IO Redis streams adapter: dropped a command Redis refuses: %s",
                            written.cause().getMessage());
                    kept.poll();
                    headTries = 0;
                }
                scheduleFlush();
            }
            // else: Redis is away again; onRedisBack() goes on
        }));
    }

    // ------------------------------------------------------------------ helpers

    /** PUBLISHes a message, always MessagePack, as Node's streams adapter does. */
    private void publish(String channel, ClusterMessage message) {
        byte[] payload = factory.codec().encode(message);
        factory.connector().publish(Request.cmd(Command.PUBLISH).arg(channel).arg(payload))
                .onFailure(failure -> LOG.debugf("Not published to %s: %s", channel, failure.getMessage()));
    }

}
