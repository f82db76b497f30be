package io.quarkiverse.socketio.runtime.engine;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * CORS headers for the polling requests, and the answer to preflight ({@code OPTIONS}) requests.
 */
final class EngineCors {

    private final EngineOptions.Cors cors;
    private final boolean anyOrigin;
    private final String allowedHeaders;
    private final String maxAge;

    EngineCors(EngineOptions.Cors cors) {
        this.cors = cors;
        this.anyOrigin = cors.origins().contains("*");
        this.allowedHeaders = cors.allowedHeaders().isEmpty() ? null : String.join(", ", cors.allowedHeaders());
        this.maxAge = cors.maxAge() == null ? null : Long.toString(cors.maxAge().toSeconds());
    }

    boolean enabled() {
        return cors.enabled();
    }

    /**
     * Adds the headers of an actual (non-preflight) cross-origin request. Nothing when CORS is off, the request has no
     * {@code Origin}, or the origin is not allowed.
     *
     * @return whether the origin was allowed
     */
    boolean apply(HttpServerRequest request, HttpServerResponse response) {
        if (!cors.enabled()) {
            return false;
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        response.headers().add("Vary", "Origin");
        if (!anyOrigin && !cors.origins().contains(origin)) {
            return false;
        }
        response.putHeader("Access-Control-Allow-Origin", origin);
        if (cors.credentials()) {
            response.putHeader("Access-Control-Allow-Credentials", "true");
        }
        return true;
    }

    /** Answers a preflight request: 204 with the allowed methods, headers and max age. */
    void preflight(HttpServerRequest request, HttpServerResponse response) {
        if (apply(request, response)) {
            response.putHeader("Access-Control-Allow-Methods", "GET, POST");
            if (allowedHeaders != null) {
                response.putHeader("Access-Control-Allow-Headers", allowedHeaders);
            } else {
                String requested = request.getHeader("Access-Control-Request-Headers");
                response.headers().add("Vary", "Access-Control-Request-Headers");
                if (requested != null) {
                    response.putHeader("Access-Control-Allow-Headers", requested);
                }
            }
            if (maxAge != null) {
                response.putHeader("Access-Control-Max-Age", maxAge);
            }
        }
        response.setStatusCode(204).putHeader("Content-Length", "0").end();
    }
}
