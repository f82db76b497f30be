package io.quarkiverse.socketio.runtime.engine;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * One Engine.IO session: its state, outgoing buffer, heartbeat and transport upgrade.
 * <p>
 * Everything but the {@link EngineSession} send methods, {@link #close()} and {@link #isOpen()} runs on
 * {@link #context()}; the fields below the marker are confined to it. Outgoing messages enter a thread-safe outbox and
 * are moved to the buffer by one flush task on the context, so several sends in a row leave together.
 */
final class EngineSessionImpl implements EngineSession {

    private static final Logger LOG = Logger.getLogger(EngineSessionImpl.class);

    /** While an upgrade is pending, a held polling GET is answered with a noop this often. */
    static final long NOOP_INTERVAL_MS = 100;

    private static final EngineSessionHandler NO_HANDLER = new EngineSessionHandler() {
        @Override
        public void onText(String text) {
        }

        @Override
        public void onBinary(Buffer data) {
        }

        @Override
        public void onClose(String reason) {
        }
    };

    private enum State {
        OPEN,
        CLOSING,
        CLOSED
    }

    private final EngineServer server;
    private final Vertx vertx;
    private final Context context;
    private final EngineOptions options;
    private final String id;
    private final EngineHandshake handshake;

    private final Queue<EnginePacket> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private volatile boolean open = true;
    private volatile String transportName;
    private volatile EngineSessionHandler handler = NO_HANDLER;

    // ---- confined to the session's context ----
    private State state = State.OPEN;
    private String closingReason;
    private final ArrayDeque<EnginePacket> buffer = new ArrayDeque<>();
    /** Written on the context only; volatile for {@link #writable()}, which any thread may call. */
    private volatile EngineTransport transport;
    /** The WebSocket an upgrade is being tried on. */
    private WebSocketTransport probe;
    private long pingTimer = -1;
    private long pingTimeoutTimer = -1;
    private long upgradeTimer = -1;
    private long noopTimer = -1;
    private long closeTimer = -1;

    EngineSessionImpl(EngineServer server, Vertx vertx, Context context, EngineOptions options, String id,
            EngineHandshake handshake) {
        this.server = server;
        this.vertx = vertx;
        this.context = context;
        this.options = options;
        this.id = id;
        this.handshake = handshake;
    }

    // ---------------------------------------------------------------- EngineSession

    @Override
    public String id() {
        return id;
    }

    @Override
    public String transport() {
        return transportName;
    }

    @Override
    public EngineHandshake handshake() {
        return handshake;
    }

    @Override
    public Context context() {
        return context;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void handler(EngineSessionHandler handler) {
        this.handler = handler == null ? NO_HANDLER : handler;
    }

    @Override
    public boolean writable() {
        EngineTransport current = transport;
        return open && current != null && current.readyForMore();
    }

    @Override
    public void sendText(String text) {
        enqueue(EnginePacket.message(text));
    }

    @Override
    public void sendText(EngineText text) {
        enqueue(EnginePacket.message(text));
    }

    @Override
    public void sendBinary(Buffer data) {
        enqueue(EnginePacket.binary(data));
    }

    @Override
    public void close() {
        runOnContext(() -> startClose("forced close", true));
    }

    @Override
    public String toString() {
        return "EngineSession[" + id + ", " + transportName + "]";
    }

    // ---------------------------------------------------------------- used by the server

    /** Runs the task on the session's context: at once when already there, else queued (in order). */
    void runOnContext(Runnable task) {
        if (Vertx.currentContext() == context) {
            task.run();
        } else {
            context.runOnContext(v -> task.run());
        }
    }

    /** Drops the session as if the server's process died: its connection closes, nothing more is sent. */
    void abort() {
        runOnContext(() -> {
            if (state == State.CLOSED) {
                return;
            }
            if (transport instanceof WebSocketTransport socket) {
                socket.abort();
            } else if (transport instanceof PollingTransport polling) {
                polling.abort();
            }
            finalizeClose("transport close");
        });
    }

    /** Closes at once, for server shutdown: what is buffered goes out only if it can leave right now. */
    void shutdown() {
        runOnContext(() -> startClose("server shutting down", false));
    }

    /**
     * Opens the session on its first transport: the open packet goes first into the buffer, then the listener sees the
     * session. The caller then flushes (WebSocket) or hands over the handshake GET.
     */
    void open(EngineTransport first, EngineListener listener) {
        transport = first;
        transportName = first.name();
        boolean offerUpgrade = first instanceof PollingTransport && options.upgradesOffered();
        String json = "{\"sid\":\"" + id + "\",\"upgrades\":" + (offerUpgrade ? "[\"websocket\"]" : "[]")
                + ",\"pingInterval\":" + options.pingInterval().toMillis()
                + ",\"pingTimeout\":" + options.pingTimeout().toMillis()
                + ",\"maxPayload\":" + options.maxHttpBufferSize() + "}";
        buffer.add(EnginePacket.text(EnginePacket.OPEN, json));
        listener.onOpen(this);
        schedulePing();
        drainOutbox();
    }

    /** The WebSocket transport the session was opened on is ready: send the open packet. */
    void openedOverWebSocket() {
        flush();
    }

    /** The listener failed in {@code onOpen}: drop the session. */
    void abortOpen() {
        terminate("forced close", EnginePacket.CLOSE_PACKET);
    }

    /** A polling GET. */
    void onPoll(HttpServerResponse response) {
        if (state == State.CLOSED) {
            EngineError.UNKNOWN_SID.send(response);
            return;
        }
        if (!(transport instanceof PollingTransport polling)) {
            LOG.debugf("Engine.IO session %s: polling GET on an upgraded session", id);
            EngineError.BAD_REQUEST.send(response);
            return;
        }
        if (polling.writable()) {
            LOG.debugf("Engine.IO session %s: overlapping polling GET", id);
            EngineError.BAD_REQUEST.send(response);
            terminate("transport error", EnginePacket.CLOSE_PACKET);
            return;
        }
        polling.hold(response);
        if (state == State.CLOSING) {
            finishClosing(polling);
            return;
        }
        drainOutbox();
        flush();
    }

    /** The client of a polling GET went away. */
    void onPollGone(HttpServerResponse response) {
        if (state == State.CLOSED || !(transport instanceof PollingTransport polling) || !polling.isPending(response)) {
            return;
        }
        polling.release();
        if (state == State.CLOSING) {
            finalizeClose(closingReason);
        } else {
            LOG.debugf("Engine.IO session %s: polling GET closed by the client", id);
            terminate("transport close", null);
        }
    }

    /** A polling POST body arrived whole. */
    void onPost(Buffer body, HttpServerResponse response) {
        if (state == State.CLOSED) {
            EngineError.UNKNOWN_SID.send(response);
            return;
        }
        if (!(transport instanceof PollingTransport)) {
            LOG.debugf("Engine.IO session %s: polling POST on an upgraded session", id);
            EngineError.BAD_REQUEST.send(response);
            return;
        }
        EngineCodec.Decoded decoded = EngineCodec.decodePayload(body);
        for (EnginePacket p : decoded.packets()) {
            if (state != State.OPEN) {
                break;
            }
            onPacket(p);
        }
        if (decoded.error()) {
            LOG.debugf("Engine.IO session %s: undecodable polling payload", id);
            EngineError.BAD_REQUEST.send(response);
            terminate("parse error", EnginePacket.CLOSE_PACKET);
            return;
        }
        PollingTransport.ok(response);
    }

    /** A polling POST was larger than maxHttpBufferSize (already answered 413). */
    void onPayloadTooLarge() {
        LOG.debugf("Engine.IO session %s: polling payload above maxHttpBufferSize", id);
        terminate("transport error", EnginePacket.CLOSE_PACKET);
    }

    /** A WebSocket with this session's sid: the client tries the upgrade. */
    void onProbeSocket(WebSocketTransport socket) {
        if (state != State.OPEN || !(transport instanceof PollingTransport) || probe != null
                || !options.upgradesOffered()) {
            LOG.debugf("Engine.IO session %s: WebSocket refused (upgrade not possible now)", id);
            socket.close();
            return;
        }
        probe = socket;
        upgradeTimer = vertx.setTimer(options.upgradeTimeout().toMillis(), tid -> runOnContext(() -> {
            if (upgradeTimer == tid) {
                upgradeTimer = -1;
                LOG.debugf("Engine.IO session %s: upgrade timed out", id);
                abortUpgrade();
            }
        }));
    }

    /** A complete WebSocket message; {@code null} when it could not be decoded. */
    void onSocketPacket(WebSocketTransport socket, EnginePacket packet) {
        if (state == State.CLOSED) {
            return;
        }
        if (socket == probe) {
            onProbePacket(packet);
        } else if (socket == transport && state == State.OPEN) {
            if (packet == null) {
                LOG.debugf("Engine.IO session %s: undecodable WebSocket message", id);
                terminate("parse error", null);
            } else {
                onPacket(packet);
            }
        }
    }

    void onSocketClosed(WebSocketTransport socket) {
        if (socket == probe) {
            abortUpgrade();
        } else if (socket == transport && state != State.CLOSED) {
            terminate("transport close", null);
        }
    }

    void onSocketError(WebSocketTransport socket) {
        if (socket == probe) {
            abortUpgrade();
        } else if (socket == transport && state != State.CLOSED) {
            terminate("transport error", null);
        }
    }

    // ---------------------------------------------------------------- packets

    private void onPacket(EnginePacket packet) {
        switch (packet.type()) {
            case EnginePacket.MESSAGE -> deliver(packet);
            case EnginePacket.PONG -> onPong();
            case EnginePacket.CLOSE -> {
                LOG.debugf("Engine.IO session %s: closed by the client", id);
                terminate("transport close", EnginePacket.NOOP_PACKET);
            }
            case EnginePacket.PING -> {
                // v4 heartbeats go from server to client only (engine.io: "invalid heartbeat direction")
                LOG.debugf("Engine.IO session %s: ping from the client", id);
                terminate("transport error", EnginePacket.CLOSE_PACKET);
            }
            default -> {
                // open, upgrade and noop on the current transport mean nothing
            }
        }
    }

    private void deliver(EnginePacket packet) {
        EngineSessionHandler h = handler;
        try {
            if (packet.isBinary()) {
                h.onBinary(packet.binary());
            } else {
                h.onText(packet.text());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "Engine.IO session %s: the message handler failed", id);
        }
    }

    // ---------------------------------------------------------------- sending

    private void enqueue(EnginePacket packet) {
        if (!open) {
            return;
        }
        outbox.add(packet);
        if (flushScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> {
                flushScheduled.set(false);
                if (state == State.OPEN) {
                    drainOutbox();
                    flush();
                }
            });
        }
    }

    private void drainOutbox() {
        EnginePacket p;
        while ((p = outbox.poll()) != null) {
            buffer.add(p);
        }
    }

    /** Sends a packet of the engine itself (ping), after what the layer above sent before. */
    private void sendPacket(EnginePacket packet) {
        drainOutbox();
        buffer.add(packet);
        flush();
    }

    /** Writes the buffer if the transport can take it now. */
    private void flush() {
        if (state != State.OPEN || buffer.isEmpty() || !transport.writable()) {
            return;
        }
        transport.send(buffer);
        buffer.clear();
    }

    // ---------------------------------------------------------------- heartbeat

    private void schedulePing() {
        cancel(pingTimer);
        pingTimer = vertx.setTimer(options.pingInterval().toMillis(), tid -> runOnContext(() -> {
            if (pingTimer != tid || state != State.OPEN) {
                return;
            }
            pingTimer = -1;
            sendPacket(EnginePacket.PING_PACKET);
            pingTimeoutTimer = vertx.setTimer(options.pingTimeout().toMillis(), ttid -> runOnContext(() -> {
                if (pingTimeoutTimer == ttid) {
                    pingTimeoutTimer = -1;
                    LOG.debugf("Engine.IO session %s: ping timeout", id);
                    terminate("ping timeout", EnginePacket.CLOSE_PACKET);
                }
            }));
        }));
    }

    private void onPong() {
        if (pingTimeoutTimer == -1) {
            return; // no ping outstanding
        }
        cancel(pingTimeoutTimer);
        pingTimeoutTimer = -1;
        schedulePing();
    }

    // ---------------------------------------------------------------- upgrade

    private void onProbePacket(EnginePacket packet) {
        if (packet != null && packet.type() == EnginePacket.PING && "probe".equals(packet.text())) {
            probe.send(List.of(EnginePacket.PONG_PROBE));
            if (noopTimer == -1) {
                noopCheck();
                noopTimer = vertx.setPeriodic(NOOP_INTERVAL_MS, tid -> runOnContext(() -> {
                    if (noopTimer == tid) {
                        noopCheck();
                    }
                }));
            }
        } else if (packet != null && packet.type() == EnginePacket.UPGRADE && state == State.OPEN) {
            completeUpgrade();
        } else {
            LOG.debugf("Engine.IO session %s: unexpected packet during upgrade: %s", id, packet);
            abortUpgrade();
        }
    }

    /** While an upgrade is pending, a held GET is answered at once so the client can pause polling. */
    private void noopCheck() {
        if (state == State.OPEN && transport instanceof PollingTransport polling && polling.writable()) {
            drainOutbox();
            if (buffer.isEmpty()) {
                polling.send(List.of(EnginePacket.NOOP_PACKET));
            } else {
                flush();
            }
        }
    }

    private void completeUpgrade() {
        cancelUpgradeTimers();
        ((PollingTransport) transport).sendIfPending(EnginePacket.NOOP_PACKET);
        transport = probe;
        probe = null;
        transportName = EngineOptions.WEBSOCKET;
        LOG.debugf("Engine.IO session %s: upgraded to websocket", id);
        drainOutbox();
        flush();
        try {
            handler.onUpgrade();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Engine.IO session %s: the upgrade handler failed", id);
        }
    }

    private void abortUpgrade() {
        cancelUpgradeTimers();
        if (probe != null) {
            probe.close();
            probe = null;
        }
    }

    private void cancelUpgradeTimers() {
        cancel(upgradeTimer);
        upgradeTimer = -1;
        cancel(noopTimer);
        noopTimer = -1;
    }

    // ---------------------------------------------------------------- closing

    /**
     * A close asked by the server: what was sent before leaves first. On polling the close packet goes with the
     * buffered packets to the held GET, or to the next one ({@code waitForPoll}) within pingTimeout.
     */
    private void startClose(String reason, boolean waitForPoll) {
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSING;
        open = false;
        closingReason = reason;
        cancelHeartbeat();
        abortUpgrade();
        drainOutbox();
        if (transport instanceof WebSocketTransport socket) {
            socket.send(buffer);
            buffer.clear();
            socket.close();
            finalizeClose(reason);
        } else {
            PollingTransport polling = (PollingTransport) transport;
            if (polling.writable()) {
                finishClosing(polling);
            } else if (!waitForPoll) {
                finalizeClose(reason);
            } else {
                awaitPollToClose();
            }
        }
    }

    /**
     * Answers a held GET while closing. Buffered packets go alone, and the close packet to the next GET: a client that
     * got both in one payload would handle the close first (socket.io-client does) and miss, for example, a DISCONNECT.
     */
    private void finishClosing(PollingTransport polling) {
        if (buffer.isEmpty()) {
            buffer.add(EnginePacket.CLOSE_PACKET);
            polling.send(buffer);
            buffer.clear();
            finalizeClose(closingReason);
            return;
        }
        polling.send(buffer);
        buffer.clear();
        awaitPollToClose();
    }

    /** The close packet waits for the client's next GET, for pingTimeout at most. */
    private void awaitPollToClose() {
        closeTimer = vertx.setTimer(options.pingTimeout().toMillis(), tid -> runOnContext(() -> {
            if (closeTimer == tid) {
                closeTimer = -1;
                finalizeClose(closingReason);
            }
        }));
    }

    /**
     * Closes at once: buffered packets are dropped, a held GET is answered with {@code answer} (close, or noop when the
     * client asked), a WebSocket is closed.
     */
    private void terminate(String reason, EnginePacket answer) {
        if (state == State.CLOSED) {
            return;
        }
        open = false;
        buffer.clear();
        if (transport instanceof PollingTransport polling) {
            if (answer != null) {
                polling.sendIfPending(answer);
            }
            polling.release();
        } else if (transport instanceof WebSocketTransport socket) {
            socket.close();
        }
        finalizeClose(reason);
    }

    private void finalizeClose(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        open = false;
        cancelHeartbeat();
        abortUpgrade();
        cancel(closeTimer);
        closeTimer = -1;
        buffer.clear();
        outbox.clear();
        server.remove(this);
        LOG.debugf("Engine.IO session %s closed: %s", id, reason);
        try {
            handler.onClose(reason);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Engine.IO session %s: the close handler failed", id);
        }
    }

    private void cancelHeartbeat() {
        cancel(pingTimer);
        pingTimer = -1;
        cancel(pingTimeoutTimer);
        pingTimeoutTimer = -1;
    }

    private void cancel(long timer) {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
    }
}
