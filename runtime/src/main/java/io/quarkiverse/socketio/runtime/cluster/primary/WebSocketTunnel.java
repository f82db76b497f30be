package io.quarkiverse.socketio.runtime.cluster.primary;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.jboss.logging.Logger;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.NetSocket;

/**
 * One WebSocket piped through the router, on a raw TCP connection to the worker: used when the worker does not take
 * handed-over connections. It writes the {@link UpgradeRequestHead}; until the worker answered, its bytes are read by
 * an {@link UpgradeAnswerDecoder}: a 101 is written to the client with the worker's headers, then the bytes that came
 * with it, and from then on the bytes of both connections are copied as they come, a read at a time, with
 * back-pressure: frames are neither decoded nor re-framed (fragmentation, close codes and ping/pong pass as they are);
 * any other answer is read whole (at most {@link RouterOptions#maxHandshakeResponseSize()}) and sent to the client as
 * a normal response, or 502 when it cannot be read. Closing one connection closes the other. The head goes on a raw
 * connection rather than through Vert.x's {@code HttpClientRequest.connect()}, so that a piped and a handed-over
 * WebSocket reach the worker with the very same head bytes.
 * <p>
 * The {@link WebSocketFrameScanner}s only look at the first frames: the open packet of a session opened over this
 * WebSocket (its sid is registered in the {@link SessionTable} before the client can see it) and the client's upgrade
 * packet {@code 5} of a session upgraded to it (which then ends with this WebSocket). When it ends, it gives back what
 * its {@link Route} counted.
 * <p>
 * Everything runs on the client connection's event loop, which the connection to the worker shares (it was opened
 * from it); its fields are confined to it.
 */
final class WebSocketTunnel {

    private static final Logger LOG = Logger.getLogger(WebSocketTunnel.class);

    private final RouterOptions options;
    private final SessionTable table;
    private final HttpServerRequest req;
    private final NetSocket back;
    private final Route route;
    private final RoutedWorker worker;
    private final Route.Kind kind;
    private String sid;
    private SessionTable.Session session;
    private NetSocket front;
    /** Reads the worker's answer; null once it was read (or the tunnel failed). */
    private UpgradeAnswerDecoder decoder;
    private boolean ended;
    /** Watches the worker's first text message for the sid (a handshake over WebSocket); null when done. */
    private WebSocketFrameScanner openScanner;
    private Buffer firstText;
    /** Watches the client's frames for the upgrade packet (a session upgrading); null when done. */
    private WebSocketFrameScanner upgradeScanner;
    private boolean upgraded;

    WebSocketTunnel(RouterOptions options, SessionTable table, HttpServerRequest req, NetSocket back, Route route) {
        this.options = options;
        this.table = table;
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

    /** Writes the upgrade request to the worker; its answer decides the rest. */
    void start(Buffer request) {
        decoder = new UpgradeAnswerDecoder(options.maxHandshakeResponseSize());
        back.handler(this::answer);
        back.closeHandler(v -> answerEnded());
        back.exceptionHandler(t -> LOG.debugf("Router: connection to worker %d: %s", worker.index, t.toString()));
        back.write(request);
    }

    // ---- before the worker switched protocols

    private void answer(Buffer data) {
        if (ended || decoder == null) {
            return;
        }
        UpgradeAnswerDecoder.Answer answer;
        try {
            answer = decoder.feed(data);
        } catch (UpgradeAnswerDecoder.Unreadable e) {
            failed(e.getMessage());
            return;
        }
        if (answer != null) {
            answered(answer);
        }
    }

    /** The worker closed the connection before the WebSocket was joined to the client's. */
    private void answerEnded() {
        if (front != null || ended) {
            return;
        }
        if (decoder == null) {
            failed("the connection closed before the client's side was ready");
            return;
        }
        try {
            answered(decoder.end()); // a refusal whose body ended with the connection
        } catch (UpgradeAnswerDecoder.Unreadable e) {
            failed(e.getMessage());
        }
    }

    private void answered(UpgradeAnswerDecoder.Answer answer) {
        decoder.close();
        decoder = null;
        if (answer.switched()) {
            switched(answer);
            return;
        }
        notSwitched();
        if (kind == Route.Kind.SESSION && RouterReplies.isUnknownSid(answer.status(), answer.bytes())) {
            table.forget(sid, session);
        }
        refuse(req, answer);
    }

    private void failed(String why) {
        if (ended) {
            return;
        }
        LOG.debugf("Router: WebSocket upgrade through worker %d failed: %s", worker.index, why);
        notSwitched();
        RouterReplies.status(req, 502);
    }

    /** The WebSocket does not open: the connection to the worker closes, and what routing counted is given back. */
    private void notSwitched() {
        ended = true;
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        back.close();
        table.webSocketNotOpened(route);
    }

    /** The worker accepted: the client gets the same 101, then both connections are joined. */
    private void switched(UpgradeAnswerDecoder.Answer answer) {
        back.pause(); // until the client side is ready: nothing the worker sends is lost
        HttpServerResponse resp = req.response();
        for (Map.Entry<String, String> e : answer.headers()) {
            resp.headers().add(e.getKey(), e.getValue());
        }
        Buffer early = answer.bytes();
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
                fromWorker(early); // frames the worker sent right after its answer
            }
            back.resume();
        });
    }

    /** The worker's refusal (such as 400 for an unknown sid) reaches the client as a normal response. */
    private static void refuse(HttpServerRequest req, UpgradeAnswerDecoder.Answer answer) {
        if (!req.isEnded()) {
            req.resume();
        }
        HttpServerResponse resp = req.response();
        if (resp.ended() || resp.closed()) {
            return;
        }
        resp.setStatusCode(answer.status());
        ForwardedHeaders.copyRefusal(answer.headers(), resp.headers());
        resp.end(answer.bytes());
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
