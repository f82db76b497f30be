package io.quarkiverse.socketio.runtime.cluster.primary;

import org.jboss.logging.Logger;

import io.netty.channel.Channel;
import io.quarkiverse.socketio.runtime.cluster.SocketHandoff;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Carries a WebSocket upgrade request to the worker its {@link Route} names. When the worker takes handed-over
 * connections ({@link SocketHandoff}), the client's connection is handed to it over its {@link HandoffSender}, with
 * the request as the worker should read it: the router is then out of its way, and learns from the worker when it
 * closed ({@link StickyRouter#handoffClosed}). Otherwise the request is written on a new raw TCP connection to the
 * worker and a {@link WebSocketTunnel} pipes the two connections. A session's WebSocket holds its session from now on
 * (the sweep cannot forget it while connecting); what the route counted is given back, through the
 * {@link SessionTable}, when the WebSocket did not open or once it ended. A TLS connection is always piped: the router
 * terminates TLS, and the worker could not read the connection's bytes.
 * <p>
 * Holds no state of its own beyond its settings. Called on the client connection's event loop; a handoff completes on
 * the handoff channel's event loop.
 */
final class WebSocketForwarder {

    private static final Logger LOG = Logger.getLogger(WebSocketForwarder.class);

    private final RouterOptions options;
    private final SessionTable table;

    WebSocketForwarder(RouterOptions options, SessionTable table) {
        this.options = options;
        this.table = table;
    }

    /** Sends the upgrade request {@code req} (paused) to the route's worker: handed over, else piped. */
    void forward(HttpServerRequest req, Route route) {
        RoutedWorker worker = route.worker();
        if (route.session() != null) {
            table.webSocketOpening(route.session()); // held while connecting, so the sweep cannot forget it meanwhile
        }
        Buffer head = UpgradeRequestHead.of(req);
        HandoffSender sender = worker.handoff;
        Channel channel = req.connection() instanceof ConnectionBase base ? base.channel() : null;
        // a TLS connection stays here and is piped: its bytes are encrypted with keys only this process holds
        if (!req.isSSL() && sender != null && sender.isOpen() && channel != null && HandoffSender.canHandOff(channel)
                && head.length() <= SocketHandoff.MAX_HEAD) {
            // the session's hold (or the handshake's count) is given back when the worker reports the connection closed
            sender.handOff(channel, route.kind() == Route.Kind.SESSION ? route.sid() : "", head, failure -> {
                if (failure != null) {
                    LOG.debugf("Router: handing a WebSocket to worker %d failed: %s", worker.index, failure.toString());
                    table.webSocketNotOpened(route);
                }
            });
            return;
        }
        worker.net.connect(worker.address).onComplete(ar -> {
            if (ar.failed()) {
                table.webSocketNotOpened(route);
                LOG.debugf("Router: WebSocket to worker %d failed: %s", worker.index, ar.cause().toString());
                RouterReplies.status(req, worker.removed ? 503 : 502);
                return;
            }
            new WebSocketTunnel(options, table, req, ar.result(), route).start(head);
        });
    }
}
