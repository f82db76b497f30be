package io.quarkiverse.socketio.runtime.cluster.primary;

import java.nio.charset.StandardCharsets;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * The answers the router gives itself, when no worker's answer reaches the client: 400 code 1 for an unknown sid, 503
 * when there is no worker (or no room for a session), 502 when the worker failed. Called on the client request's event
 * loop.
 */
final class RouterReplies {

    static final String UNKNOWN_SID_BODY = "{\"code\":1,\"message\":\"Session ID unknown\"}";

    private RouterReplies() {
    }

    /** {@code 400 {"code":1,"message":"Session ID unknown"}}, as a worker answers it. */
    static void unknownSid(HttpServerRequest req) {
        reply(req, 400, "application/json", UNKNOWN_SID_BODY);
    }

    /** An answer without body. */
    static void status(HttpServerRequest req, int status) {
        reply(req, status, null, null);
    }

    /**
     * Answers {@code req}, discarding the body it does not read; when an answer had begun already, the stream is reset
     * instead (the client sees the failure rather than half an answer).
     */
    static void reply(HttpServerRequest req, int status, String contentType, String body) {
        if (!req.isEnded()) {
            req.resume(); // a body we do not read is discarded
        }
        HttpServerResponse resp = req.response();
        if (resp.ended() || resp.closed() || resp.headWritten()) {
            if (!resp.ended() && !resp.closed()) {
                resp.reset();
            }
            return;
        }
        resp.setStatusCode(status);
        if (contentType != null) {
            resp.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
        }
        if (body == null) {
            resp.end();
        } else {
            resp.end(body);
        }
    }

    /**
     * {@code 301} to the same URI over HTTPS on {@code httpsPort}, at the host the client asked for (as Quarkus's
     * {@code quarkus.http.insecure-requests=redirect}); 400 without a host.
     */
    static void redirectToHttps(HttpServerRequest req, int httpsPort) {
        String location = httpsLocation(req.getHeader(HttpHeaders.HOST), httpsPort, req.uri());
        if (location == null) {
            status(req, 400);
            return;
        }
        req.resume();
        req.response().setStatusCode(301).putHeader(HttpHeaders.LOCATION, location).end();
    }

    /** The HTTPS URL of {@code uri} at the host of a {@code Host} header (its port replaced), or null without one. */
    static String httpsLocation(String hostHeader, int httpsPort, String uri) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return null;
        }
        String host = hostHeader.trim();
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) { // a port, not a colon of an IPv6 literal
            host = host.substring(0, colon);
        }
        return "https://" + host + ":" + httpsPort + (uri.startsWith("/") ? uri : "/" + uri);
    }

    /** Whether a worker's answer says it does not know the session: 400 with code 1. */
    static boolean isUnknownSid(int status, Buffer body) {
        return status == 400 && body != null
                && body.toString(StandardCharsets.UTF_8).replace(" ", "").contains("\"code\":1");
    }
}
