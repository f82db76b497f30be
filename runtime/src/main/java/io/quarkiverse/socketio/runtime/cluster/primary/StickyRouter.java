package io.quarkiverse.socketio.runtime.cluster.primary;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import io.netty.channel.Channel;
import io.quarkiverse.socketio.runtime.cluster.SocketHandoff;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The primary's sticky HTTP/WebSocket router: a Vert.x HTTP server in front of the workers.
 * <p>
 * <b>Routing.</b> Decided per HTTP request, never per TCP connection (a keep-alive connection may carry requests of
 * several sessions). A request under the Engine.IO path with a {@code sid} query parameter goes to the worker that
 * owns the sid, or gets {@code 400 {"code":1,"message":"Session ID unknown"}} when the router knows no such sid. A
 * request without sid (a handshake) and any request on another path (REST, static files) goes to a worker chosen by
 * the {@link io.quarkiverse.socketio.runtime.config.SocketIOConfig.Routing strategy}. No worker: 503.
 * <p>
 * <b>Learning sids.</b> The router reads the sid of a new session from the handshake answer it relays, before the
 * answer is written to the client: for polling, the body {@code 0{"sid":"..."}} (read whole, it is small); for a
 * direct WebSocket handshake, the worker's first text frame. So the client's next request can never arrive before the
 * router knows the owner.
 * <p>
 * <b>Forgetting sids</b>, the bound on sessions and the least-connection counts: see {@link SessionTable}.
 * <p>
 * <b>Forwarding</b> of plain requests, and the header rules: see {@link HttpForwarder} and {@link ForwardedHeaders}.
 * <p>
 * <b>WebSocket.</b> When the worker takes handed-over connections ({@link SocketHandoff}), the upgrade request is
 * routed like any other request and the client's connection, with the request as the worker should read it, is handed
 * to the worker: the router is then out of its way, and learns from the worker when it closed. Otherwise the upgrade
 * request is routed like any other request and written, with the same URI and
 * headers, on a new raw TCP connection to the worker. A refusal (such as 400 for an unknown sid) reaches the client as
 * a normal response; a 101 is written to the client with the worker's headers, and from then on the bytes of the two
 * connections are copied as they come, a read at a time, with back-pressure: frames are neither decoded nor re-framed
 * (fragmentation, close codes and ping/pong pass as they are), only the first frames are looked at (the open packet of
 * a session opened over the WebSocket, the client's upgrade packet). Closing one connection closes the other.
 * Compression is not negotiated (the extensions header is not passed on); a sub-protocol is negotiated by the worker.
 */
public final class StickyRouter {

    private static final Logger LOG = Logger.getLogger(StickyRouter.class);

    private final Vertx vertx;
    private final RouterOptions options;
    private final String path;
    private final String pathNoSlash;
    private final Map<Integer, RoutedWorker> workers = new ConcurrentHashMap<>();
    private volatile RoutedWorker[] ring = new RoutedWorker[0];
    private final SessionTable table;
    private final HttpForwarder http;
    private final AtomicInteger next = new AtomicInteger();
    /** The deployments of the listeners (one HTTP server per event loop, sharing the port); null until listening. */
    private List<String> listeners;
    private long sweepTimer = -1;
    private volatile boolean closed;

    public StickyRouter(Vertx vertx, RouterOptions options) {
        this.vertx = vertx;
        this.options = options;
        this.path = options.path();
        this.pathNoSlash = path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        this.table = new SessionTable(options);
        this.http = new HttpForwarder(options, table);
    }

    // ---------------------------------------------------------------- lifecycle and workers

    /**
     * Starts listening, with one HTTP server per event loop ({@link RouterOptions#eventLoops()}) on the same port, so that
     * routing is not bound to one thread; completes with the actual port (useful with port 0).
     */
    public synchronized Future<Integer> listen(String host, int port) {
        if (listeners != null) {
            return Future.failedFuture(new IllegalStateException("Already listening"));
        }
        listeners = new ArrayList<>();
        sweepTimer = vertx.setPeriodic(SessionTable.sweepPeriodMillis(options), id -> table.sweep());
        // Vert.x shares a port among its servers; a negative port is a random one, shared likewise
        int shared = port == 0 ? -1 : port;
        AtomicInteger actual = new AtomicInteger();
        return vertx.deployVerticle(() -> new Listener(host, shared, actual),
                new DeploymentOptions().setInstances(options.eventLoops())).map(id -> {
                    synchronized (this) {
                        listeners.add(id);
                    }
                    return actual.get();
                });
    }

    /**
     * One HTTP server of the router, on its verticle's event loop (Vert.x gives each instance its own); undeploying it
     * closes the server.
     */
    private final class Listener extends AbstractVerticle {
        private final String host;
        private final int port;
        private final AtomicInteger actual;

        Listener(String host, int port, AtomicInteger actual) {
            this.host = host;
            this.port = port;
            this.actual = actual;
        }

        @Override
        public void start(Promise<Void> started) {
            HttpServerOptions serverOptions = new HttpServerOptions()
                    .setCompressionSupported(false)
                    .setDecompressionSupported(false)
                    .setHandle100ContinueAutomatically(true)
                    .setHttp2ClearTextEnabled(false); // HTTP/1.1 only: WebSocket upgrades and per-request routing
            vertx.createHttpServer(serverOptions).requestHandler(StickyRouter.this::handle).listen(port, host)
                    .onSuccess(server -> {
                        actual.set(server.actualPort());
                        started.complete();
                    })
                    .onFailure(started::fail);
        }
    }

    /** Stops listening and closes the connections to the workers. */
    public synchronized Future<Void> close() {
        closed = true;
        if (sweepTimer >= 0) {
            vertx.cancelTimer(sweepTimer);
            sweepTimer = -1;
        }
        List<Future<?>> all = new ArrayList<>();
        if (listeners != null) {
            for (String id : listeners) {
                all.add(vertx.undeploy(id));
            }
            listeners.clear();
        }
        for (Integer index : new ArrayList<>(workers.keySet())) {
            RoutedWorker worker = workers.remove(index);
            if (worker != null) {
                all.addAll(worker.close());
            }
        }
        ring = new RoutedWorker[0];
        table.clear();
        return Future.join(all).mapEmpty();
    }

    /** Adds (or replaces) the worker with this index, reached at {@code address}. */
    public synchronized void addWorker(int index, SocketAddress address) {
        removeWorker(index);
        RoutedWorker worker = RoutedWorker.create(vertx, index, address, options);
        workers.put(index, worker);
        rebuildRing();
    }

    /**
     * Removes a worker: no new request goes there, the sids it owns are forgotten (their next requests get 400 code
     * 1) and the connections to it are closed.
     */
    public synchronized boolean removeWorker(int index) {
        RoutedWorker worker = workers.remove(index);
        if (worker == null) {
            return false;
        }
        worker.removed = true;
        rebuildRing();
        table.forgetAll(worker);
        worker.close();
        return true;
    }

    /**
     * Stops sending new handshakes and plain requests to a worker, while the requests of the sessions it owns still
     * reach it (it is about to close them, its clients then reconnect to the others).
     */
    public synchronized boolean drainWorker(int index) {
        RoutedWorker worker = workers.get(index);
        if (worker == null) {
            return false;
        }
        worker.draining = true;
        rebuildRing();
        return true;
    }

    private void rebuildRing() {
        RoutedWorker[] r = workers.values().stream().filter(w -> !w.draining).toArray(RoutedWorker[]::new);
        Arrays.sort(r, (a, b) -> Integer.compare(a.index, b.index));
        ring = r;
    }

    /**
     * From now on, WebSockets routed to this worker are handed to it over {@code sender} ({@link SocketHandoff}) rather
     * than piped; false when there is no such worker (any more).
     */
    public synchronized boolean handoff(int index, HandoffSender sender) {
        RoutedWorker worker = workers.get(index);
        if (worker == null || worker.removed) {
            return false;
        }
        worker.handoff = sender;
        return true;
    }

    /**
     * A connection handed to this worker closed: gives back what routing it counted, the hold on its session ({@code
     * sid}), or the worker's count of the handshake or plain WebSocket ({@code sid} empty). The session ended with it
     * and is forgotten, unless it goes on polling ({@code stillPolling}: the WebSocket probe failed).
     */
    public void handoffClosed(int index, String sid, boolean stillPolling) {
        RoutedWorker worker = workers.get(index);
        if (worker == null) {
            return;
        }
        if (sid.isEmpty()) {
            table.countEnded(worker);
            return;
        }
        SessionTable.Session session = table.find(sid);
        if (session != null && session.worker == worker) {
            table.webSocketEnded(sid, session, !stillPolling);
        }
    }

    /** The index of the worker owning this sid, or -1. */
    public int ownerOf(String sid) {
        return table.ownerOf(sid);
    }

    /** The number of sids the router remembers. */
    public int sessionCount() {
        return table.size();
    }

    /** The least-connection count of each worker (handshakes in flight + known sessions + plain requests in flight). */
    public Map<Integer, Integer> loads() {
        Map<Integer, Integer> loads = new LinkedHashMap<>();
        for (RoutedWorker w : ring) {
            loads.put(w.index, w.load.get());
        }
        return loads;
    }

    // ---------------------------------------------------------------- routing

    private void handle(HttpServerRequest req) {
        req.pause();
        if (closed) {
            RouterReplies.status(req, 503);
            return;
        }
        boolean upgrade = req.method() == HttpMethod.GET && "websocket".equalsIgnoreCase(req.getHeader("Upgrade"));
        String p = req.path();
        if (p != null && (p.startsWith(path) || p.equals(pathNoSlash))) {
            String sid;
            try {
                sid = req.getParam("sid");
            } catch (RuntimeException e) {
                RouterReplies.status(req, 400);
                return;
            }
            if (sid != null) {
                SessionTable.Session session = table.find(sid);
                if (session == null) {
                    RouterReplies.unknownSid(req);
                    return;
                }
                send(req, upgrade, Route.session(sid, session));
                return;
            }
            if (table.full()) {
                RouterReplies.status(req, 503);
                return;
            }
            dispatch(req, upgrade, Route.Kind.HANDSHAKE);
            return;
        }
        dispatch(req, upgrade, Route.Kind.PLAIN);
    }

    private void dispatch(HttpServerRequest req, boolean upgrade, Route.Kind kind) {
        RoutedWorker worker = choose();
        if (worker == null) {
            RouterReplies.status(req, 503);
            return;
        }
        table.countSent(worker); // counted the moment it is sent
        send(req, upgrade, Route.chosen(kind, worker));
    }

    private void send(HttpServerRequest req, boolean upgrade, Route route) {
        if (upgrade) {
            webSocket(req, route);
        } else {
            http.forward(req, route);
        }
    }

    private RoutedWorker choose() {
        RoutedWorker[] r = ring;
        int n = r.length;
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(next.getAndIncrement(), n);
        switch (options.strategy()) {
            case ROUND_ROBIN:
                return r[start];
            case RANDOM:
                return r[ThreadLocalRandom.current().nextInt(n)];
            default:
                RoutedWorker best = null;
                int bestLoad = Integer.MAX_VALUE;
                for (int i = 0; i < n; i++) {
                    RoutedWorker w = r[(start + i) % n];
                    int load = w.load.get();
                    if (load < bestLoad) {
                        best = w;
                        bestLoad = load;
                    }
                }
                return best;
        }
    }

    // ---------------------------------------------------------------- WebSocket

    /**
     * Opens a raw connection to the worker and writes the client's upgrade request on it; the worker's answer decides
     * the rest (see {@link Tunnel}).
     */
    private void webSocket(HttpServerRequest req, Route route) {
        RoutedWorker worker = route.worker();
        if (route.session() != null) {
            table.webSocketOpening(route.session()); // held while connecting, so the sweep cannot forget it meanwhile
        }
        Buffer head = upgradeRequest(req);
        HandoffSender sender = worker.handoff;
        Channel channel = req.connection() instanceof ConnectionBase base ? base.channel() : null;
        if (sender != null && sender.isOpen() && channel != null && HandoffSender.canHandOff(channel)
                && head.length() <= SocketHandoff.MAX_HEAD) {
            // the session's hold (or the handshake's count) is given back when the worker reports the connection closed
            sender.handOff(channel, route.kind() == Route.Kind.SESSION ? route.sid() : "", head, failure -> {
                if (failure != null) {
                    LOG.debugf("Router: handing a WebSocket to worker %d failed: %s", worker.index, failure.toString());
                    notOpened(route);
                }
            });
            return;
        }
        worker.net.connect(worker.address).onComplete(ar -> {
            if (ar.failed()) {
                notOpened(route);
                LOG.debugf("Router: WebSocket to worker %d failed: %s", worker.index, ar.cause().toString());
                RouterReplies.status(req, worker.removed ? 503 : 502);
                return;
            }
            new Tunnel(req, ar.result(), route).start(head);
        });
    }

    /** A WebSocket that did not open: what {@link #webSocket} counted for it is given back. */
    private void notOpened(Route route) {
        if (route.kind() != Route.Kind.SESSION) {
            table.countEnded(route.worker());
        } else {
            table.webSocketEnded(route.sid(), route.session(), false);
        }
    }

    /** The client's upgrade request as the worker gets it: its URI, end-to-end headers and forwarded headers. */
    private Buffer upgradeRequest(HttpServerRequest req) {
        StringBuilder head = new StringBuilder(512).append("GET ").append(req.uri()).append(" HTTP/1.1\r\n");
        for (Map.Entry<String, String> e : ForwardedHeaders.request(req, true)) {
            head.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
        }
        head.append("Connection: Upgrade\r\nUpgrade: ").append(req.getHeader(HttpHeaders.UPGRADE)).append("\r\n\r\n");
        return Buffer.buffer(head.toString(), StandardCharsets.ISO_8859_1.name());
    }

    private static void refuse(HttpServerRequest req, HttpAnswerHead head, Buffer body) {
        if (!req.isEnded()) {
            req.resume();
        }
        HttpServerResponse resp = req.response();
        if (resp.ended() || resp.closed()) {
            return;
        }
        resp.setStatusCode(head.status());
        ForwardedHeaders.copyRefusal(head.headers(), resp.headers());
        resp.end(body);
    }

    /**
     * One WebSocket through the router, on a raw TCP connection to the worker. Until the worker answered, its bytes
     * are read as an HTTP answer: a 101 is written to the client with the worker's headers and from then on the bytes
     * of both connections are copied as they come, a read at a time, with back-pressure (nothing is decoded or
     * re-framed); any other answer is read whole and sent to the client as a normal response. The frame scanners only
     * look at the first frames: the open packet of a session opened over this WebSocket (its sid is registered before
     * the client can see it) and the client's upgrade packet {@code 5} of a session upgraded to it. Everything runs on
     * the client connection's event loop, which the connection to the worker shares.
     */
    private final class Tunnel {
        private final HttpServerRequest req;
        private final NetSocket back;
        private final Route route;
        private final RoutedWorker worker;
        private final Route.Kind kind;
        private String sid;
        private SessionTable.Session session;
        private NetSocket front;
        /** The worker's answer until its head is read, then the body of a refusal. */
        private Buffer answer = Buffer.buffer();
        private HttpAnswerHead refusal;
        private boolean ended;
        /** Watches the worker's first text message for the sid (a handshake over WebSocket); null when done. */
        private WebSocketFrameScanner openScanner;
        private Buffer firstText;
        /** Watches the client's frames for the upgrade packet (a session upgrading); null when done. */
        private WebSocketFrameScanner upgradeScanner;
        private boolean upgraded;

        Tunnel(HttpServerRequest req, NetSocket back, Route route) {
            this.req = req;
            this.back = back;
            this.route = route;
            this.worker = route.worker();
            this.kind = route.kind();
            this.sid = route.sid();
            this.session = route.session();
            if (kind == Route.Kind.HANDSHAKE) {
                openScanner = new WebSocketFrameScanner(options.maxHandshakeResponseSize(), this::workerFrame);
            } else if (kind == Route.Kind.SESSION) {
                upgradeScanner = new WebSocketFrameScanner(1, this::clientFrame);
            }
        }

        void start(Buffer request) {
            back.handler(this::answer);
            back.closeHandler(v -> answerEnded());
            back.exceptionHandler(t -> LOG.debugf("Router: connection to worker %d: %s", worker.index, t.toString()));
            back.write(request);
        }

        // ---- before the worker switched protocols

        private void answer(Buffer data) {
            answer.appendBuffer(data);
            if (refusal != null) {
                refusalBody(false);
                return;
            }
            HttpAnswerHead head;
            try {
                head = HttpAnswerHead.parse(answer);
            } catch (RuntimeException e) {
                failed("an answer that is not HTTP: " + e.getMessage());
                return;
            }
            if (head == null) {
                if (answer.length() > options.maxHandshakeResponseSize()) {
                    failed("an answer head larger than " + options.maxHandshakeResponseSize() + " bytes");
                }
                return;
            }
            Buffer rest = answer.getBuffer(head.length(), answer.length());
            answer = rest;
            if (head.status() == 101) {
                switched(head, rest);
            } else {
                refusal = head;
                refusalBody(false);
            }
        }

        /** The worker closed the connection before switching protocols. */
        private void answerEnded() {
            if (front != null || ended) {
                return;
            }
            if (refusal != null) {
                refusalBody(true);
            } else {
                failed("the connection closed before an answer");
            }
        }

        private void failed(String why) {
            if (ended) {
                return;
            }
            LOG.debugf("Router: WebSocket upgrade through worker %d failed: %s", worker.index, why);
            notSwitched();
            RouterReplies.status(req, 502);
        }

        private void refusalBody(boolean connectionClosed) {
            if (ended) {
                return;
            }
            Buffer body;
            try {
                long length = refusal.contentLength();
                if (refusal.chunked()) {
                    body = HttpAnswerHead.dechunk(answer);
                } else if (length >= 0) {
                    body = answer.length() >= length ? answer.getBuffer(0, (int) length) : null;
                } else {
                    body = connectionClosed ? answer : null;
                }
            } catch (RuntimeException e) {
                failed("an unreadable refusal: " + e.getMessage());
                return;
            }
            if (body == null) {
                if (connectionClosed) {
                    failed("the connection closed within a refusal");
                } else if (answer.length() > options.maxHandshakeResponseSize()) {
                    failed("a refusal larger than " + options.maxHandshakeResponseSize() + " bytes");
                }
                return;
            }
            notSwitched();
            if (kind == Route.Kind.SESSION && RouterReplies.isUnknownSid(refusal.status(), body)) {
                table.forget(sid, session);
            }
            refuse(req, refusal, body);
        }

        /** The WebSocket does not open: the connection to the worker closes, and what routing counted is given back. */
        private void notSwitched() {
            ended = true;
            back.close();
            notOpened(route);
        }

        /** The worker accepted: the client gets the same 101, then both connections are joined. */
        private void switched(HttpAnswerHead head, Buffer early) {
            back.pause(); // until the client side is ready: nothing the worker sends is lost
            HttpServerResponse resp = req.response();
            for (Map.Entry<String, String> e : head.headers()) {
                resp.headers().add(e.getKey(), e.getValue());
            }
            req.resume();
            req.toNetSocket().onComplete(far -> {
                if (far.failed()) {
                    LOG.debugf("Router: client WebSocket upgrade failed: %s", far.cause().toString());
                    notSwitched();
                    return;
                }
                front = far.result();
                front.handler(this::fromClient);
                back.handler(this::fromWorker);
                front.closeHandler(v -> closed());
                back.closeHandler(v -> closed());
                front.exceptionHandler(t -> LOG.debugf("Router: client WebSocket connection: %s", t.toString()));
                front.drainHandler(v -> back.resume());
                back.drainHandler(v -> front.resume());
                if (early.length() > 0) {
                    fromWorker(early);
                }
                back.resume();
            });
        }

        // ---- piped

        private void fromClient(Buffer data) {
            if (upgradeScanner != null) {
                upgradeScanner.feed(data);
            }
            relay(data, front, back);
        }

        private void fromWorker(Buffer data) {
            if (openScanner != null) {
                openScanner.feed(data); // registers the sid before the open packet is written to the client
            }
            relay(data, back, front);
        }

        private void relay(Buffer data, NetSocket from, NetSocket to) {
            to.write(data);
            if (to.writeQueueFull()) {
                from.pause(); // resumed by the drain handler of 'to'
            }
        }

        private void clientFrame(boolean fin, int opcode, Buffer payload) {
            if (!upgraded && fin && opcode == WebSocketFrameScanner.TEXT && payload != null
                    && payload.length() == 1 && payload.getByte(0) == '5') {
                upgraded = true; // the session now lives on this WebSocket
                upgradeScanner = null;
            }
        }

        private void workerFrame(boolean fin, int opcode, Buffer payload) {
            if (openScanner == null) {
                return;
            }
            if (opcode == WebSocketFrameScanner.TEXT || (opcode == WebSocketFrameScanner.CONTINUATION && firstText != null)) {
                if (payload == null) {
                    openScanner = null; // larger than any open packet
                    firstText = null;
                    return;
                }
                firstText = firstText == null ? payload : firstText.appendBuffer(payload);
                if (!fin && firstText.length() <= options.maxHandshakeResponseSize()) {
                    return;
                }
                String newSid = fin ? EngineOpenPacket.sid(firstText.toString(StandardCharsets.UTF_8)) : null;
                openScanner = null;
                firstText = null;
                if (newSid != null) {
                    // the worker's load was counted for the handshake; it now counts the session
                    session = table.openedOverWebSocket(worker, newSid);
                    sid = newSid;
                }
            } else if (opcode == WebSocketFrameScanner.BINARY) {
                openScanner = null;
            }
        }

        private void closed() {
            if (ended) {
                return;
            }
            ended = true;
            // the close frames, if any, went through as bytes; closing flushes what is still queued
            front.close();
            back.close();
            SessionTable.Session s = session;
            if (s != null) {
                table.webSocketEnded(sid, s, s.direct || upgraded); // the session ends with its transport
            } else if (kind != Route.Kind.SESSION) {
                table.countEnded(worker); // a handshake that gave no sid, or a plain WebSocket
            }
        }
    }
}
