package io.quarkiverse.socketio.runtime.engine;

import java.util.Collection;
import java.util.List;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * HTTP long-polling: at most one held GET, answered with every buffered packet at once.
 */
final class PollingTransport extends EngineTransport {

    static final String CONTENT_TYPE = "text/plain; charset=UTF-8";

    /** The held GET, if any. */
    private volatile HttpServerResponse pending;

    @Override
    String name() {
        return EngineOptions.POLLING;
    }

    @Override
    boolean writable() {
        return pending != null;
    }

    boolean isPending(HttpServerResponse response) {
        return pending == response;
    }

    /** Holds a GET until packets are there. */
    void hold(HttpServerResponse response) {
        pending = response;
    }

    /** Forgets the held GET (its client went away). */
    void release() {
        pending = null;
    }

    @Override
    void send(Collection<EnginePacket> packets) {
        HttpServerResponse response = pending;
        pending = null;
        respond(response, EngineCodec.encodePayload(packets));
    }

    /** Answers the held GET, if any, with one packet. */
    void sendIfPending(EnginePacket packet) {
        if (pending != null) {
            send(List.of(packet));
        }
    }

    /** Closes the held GET's connection at once, if a GET is held (an HTTP/1.x reset closes the connection). */
    void abort() {
        HttpServerResponse response = pending;
        pending = null;
        if (response != null && !response.ended() && !response.closed()) {
            response.reset();
        }
    }

    /** Answers a POST that was taken. */
    static void ok(HttpServerResponse response) {
        respond(response, Buffer.buffer("ok"));
    }

    private static void respond(HttpServerResponse response, Buffer body) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(200).putHeader("Content-Type", CONTENT_TYPE).end(body);
    }
}
