package io.quarkiverse.socketio.runtime.cluster.primary;

import java.util.Objects;

import io.vertx.core.http.HttpServerOptions;

/**
 * Where the primary takes the public traffic, as Quarkus's HTTP settings say for one process: plain HTTP on
 * {@code port} ({@code quarkus.http.port}), and, when a certificate is configured, HTTPS as {@code tls} says (its host,
 * {@code quarkus.http.ssl-port}, key and trust material, protocols); {@code insecure} is what plain HTTP does then
 * ({@code quarkus.http.insecure-requests}). Without TLS, plain HTTP is always served.
 *
 * @param host the public host
 * @param port the plain HTTP port, also the cluster's name for its operator commands
 * @param insecure what plain HTTP does when HTTPS is served
 * @param tls the HTTPS listener's options, or null when no certificate is configured
 */
public record PublicListeners(String host, int port, Insecure insecure, HttpServerOptions tls) {

    /** What plain HTTP does beside HTTPS, as {@code quarkus.http.insecure-requests}. */
    public enum Insecure {
        /** Served as HTTPS is. */
        ENABLED,
        /** Answered 301 to the same URI over HTTPS. */
        REDIRECT,
        /** Not listened on. */
        DISABLED
    }

    public PublicListeners {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(insecure, "insecure");
    }

    /** Plain HTTP only. */
    public static PublicListeners plain(String host, int port) {
        return new PublicListeners(host, port, Insecure.ENABLED, null);
    }

    /** Whether plain HTTP is listened on (served or redirected). */
    boolean plainListened() {
        return tls == null || insecure != Insecure.DISABLED;
    }
}
