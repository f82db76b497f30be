package io.quarkiverse.socketio.runtime.cluster.primary;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;

/**
 * Carries a plain HTTP request (polling, a handshake, REST, static files) to the worker its {@link Route} names, over
 * that worker's pooled HTTP/1.1 client ({@link RoutedWorker#http}), and its answer back. Request and answer bodies are
 * piped (streamed, in order, with back-pressure); headers cross by the {@link ForwardedHeaders} rules. Two answers are
 * read whole instead, being small: a handshake's, to register the new sid before the client can see it, and a
 * session's 400, to forget the sid the worker says it does not know. What the route counted is given back to the
 * {@link SessionTable} once the exchange ended, however it ended.
 * <p>
 * Holds no state of its own beyond its settings. Runs on the client request's event loop: the pooled client calls back
 * on the context that sent the request.
 */
final class HttpForwarder {

    private static final Logger LOG = Logger.getLogger(HttpForwarder.class);

    private final RouterOptions options;
    private final SessionTable table;

    HttpForwarder(RouterOptions options, SessionTable table) {
        this.options = options;
        this.table = table;
    }

    /** Sends {@code req} (paused, its body unread) to the route's worker, and the worker's answer to the client. */
    void forward(HttpServerRequest req, Route route) {
        RoutedWorker worker = route.worker();
        SessionTable.Session session = route.session();
        AtomicBoolean done = new AtomicBoolean();
        Runnable finish = () -> {
            if (done.compareAndSet(false, true)) {
                if (route.kind() == Route.Kind.PLAIN) {
                    table.countEnded(worker);
                } else if (session != null) {
                    table.requestEnded(session);
                }
            }
        };
        if (session != null) {
            table.requestStarted(session);
        }
        RequestOptions ro = new RequestOptions()
                .setMethod(req.method())
                .setHost(worker.address.host())
                .setPort(worker.address.port())
                .setURI(req.uri())
                .setConnectTimeout(options.connectTimeout().toMillis())
                .setHeaders(ForwardedHeaders.request(req, false));
        worker.http.request(ro).onComplete(ar -> {
            if (ar.failed()) {
                handshakeFailed(route);
                finish.run();
                LOG.debugf("Router: worker %d unreachable: %s", worker.index, ar.cause().toString());
                RouterReplies.status(req, worker.removed ? 503 : 502);
                return;
            }
            HttpClientRequest creq = ar.result();
            if (req.getHeader(HttpHeaders.CONTENT_LENGTH) == null
                    && req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
                creq.setChunked(true);
            }
            HttpServerResponse resp = req.response();
            resp.closeHandler(v -> creq.reset()); // the client left: abort (a pending long-poll, an upload)
            creq.response().onComplete(rar -> {
                if (rar.failed()) {
                    handshakeFailed(route);
                    finish.run();
                    RouterReplies.status(req, 502);
                    return;
                }
                relay(req, rar.result(), route, finish);
            });
            req.pipe().endOnFailure(false).to(creq).onFailure(t -> creq.reset(0, t));
        });
    }

    /** A handshake that gave no answer gives its count back. */
    private void handshakeFailed(Route route) {
        if (route.kind() == Route.Kind.HANDSHAKE) {
            table.countEnded(route.worker());
        }
    }

    private void relay(HttpServerRequest req, HttpClientResponse cres, Route route, Runnable finish) {
        HttpServerResponse resp = req.response();
        int status = cres.statusCode();
        Route.Kind kind = route.kind();
        if (kind == Route.Kind.HANDSHAKE || (kind == Route.Kind.SESSION && status == 400)) {
            // small answers read whole: the sid of a handshake, or the code of a refusal
            readBody(cres, options.maxHandshakeResponseSize()).onComplete(bar -> {
                if (bar.failed()) {
                    handshakeFailed(route);
                    finish.run();
                    RouterReplies.status(req, 502);
                    return;
                }
                Buffer body = bar.result();
                if (kind == Route.Kind.HANDSHAKE) {
                    String newSid = status == 200 ? EngineOpenPacket.sid(body.toString(StandardCharsets.UTF_8)) : null;
                    table.handshakeAnswered(route.worker(), newSid); // before the client can see the answer
                } else if (RouterReplies.isUnknownSid(status, body)) {
                    table.forget(route.sid(), route.session());
                }
                finish.run();
                if (resp.closed() || resp.ended()) {
                    return;
                }
                resp.setStatusCode(status);
                resp.setStatusMessage(cres.statusMessage());
                ForwardedHeaders.copyEndToEnd(cres.headers(), resp.headers(), false);
                resp.headers().set(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
                resp.end(body);
            });
            return;
        }
        if (resp.closed() || resp.ended()) {
            cres.request().reset();
            finish.run();
            return;
        }
        resp.setStatusCode(status);
        resp.setStatusMessage(cres.statusMessage());
        ForwardedHeaders.copyEndToEnd(cres.headers(), resp.headers(), false);
        boolean noBody = req.method() == HttpMethod.HEAD || status == 204 || status == 304 || status / 100 == 1;
        if (!noBody && cres.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
            resp.setChunked(true);
        }
        cres.pipe().endOnFailure(false).to(resp).onComplete(par -> {
            finish.run();
            if (par.failed()) {
                LOG.debugf("Router: relaying an answer of worker %d failed: %s", route.worker().index,
                        par.cause().toString());
                if (!resp.ended()) {
                    resp.reset();
                }
                cres.request().reset();
            }
        });
    }

    private static Future<Buffer> readBody(HttpClientResponse cres, int max) {
        Promise<Buffer> promise = Promise.promise();
        Buffer body = Buffer.buffer();
        cres.handler(chunk -> {
            if (body.length() + chunk.length() > max) {
                cres.request().reset();
                promise.tryFail("answer larger than " + max + " bytes");
            } else {
                body.appendBuffer(chunk);
            }
        });
        cres.exceptionHandler(promise::tryFail);
        cres.endHandler(v -> promise.tryComplete(body));
        return promise.future();
    }
}
