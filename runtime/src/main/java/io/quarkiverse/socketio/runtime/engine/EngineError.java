package io.quarkiverse.socketio.runtime.engine;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The Engine.IO request errors, answered as JSON {@code {"code":N,"message":"..."}} with the messages engine.io uses.
 */
enum EngineError {

    TRANSPORT_UNKNOWN(0, "Transport unknown", 400),
    UNKNOWN_SID(1, "Session ID unknown", 400),
    BAD_HANDSHAKE_METHOD(2, "Bad handshake method", 400),
    BAD_REQUEST(3, "Bad request", 400),
    FORBIDDEN(4, "Forbidden", 403),
    UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version", 400);

    private final int code;
    private final String message;
    private final int status;
    private final String json;

    EngineError(int code, String message, int status) {
        this.code = code;
        this.message = message;
        this.status = status;
        this.json = "{\"code\":" + code + ",\"message\":\"" + message + "\"}";
    }

    int code() {
        return code;
    }

    String message() {
        return message;
    }

    int status() {
        return status;
    }

    String json() {
        return json;
    }

    /** Answers the request with this error, unless it was answered already. */
    void send(HttpServerResponse response) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(json));
    }
}
