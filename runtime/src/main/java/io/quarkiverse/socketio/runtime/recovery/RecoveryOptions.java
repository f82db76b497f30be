package io.quarkiverse.socketio.runtime.recovery;

import java.time.Duration;

import io.quarkiverse.socketio.runtime.config.SocketIOConfig;

/**
 * The settings of connection state recovery, read once from the configuration.
 *
 * @param maxDisconnectionDuration how long a disconnected session may be recovered
 * @param skipMiddlewares whether a recovered socket skips the namespace's middlewares
 * @param maxPackets the most broadcasts the store keeps
 * @param maxBytes the most bytes of broadcasts the store keeps
 */
public record RecoveryOptions(Duration maxDisconnectionDuration, boolean skipMiddlewares, int maxPackets,
        long maxBytes) {

    public RecoveryOptions {
        if (maxDisconnectionDuration.isNegative() || maxDisconnectionDuration.isZero()) {
            throw new IllegalArgumentException(
                    "quarkus.socketio.connection-state-recovery.max-disconnection-duration must be positive");
        }
        if (maxPackets < 1 || maxBytes < 1) {
            throw new IllegalArgumentException(
                    "quarkus.socketio.connection-state-recovery.max-packets and max-bytes must be positive");
        }
    }

    /**
     * How often a store forgets expired sessions and broadcasts: half the window, between 1 s and 1 min (an expired
     * session is refused at once anyway; the sweep only frees its memory).
     */
    public long sweepPeriodMillis() {
        return Math.max(1000, Math.min(60_000, maxDisconnectionDuration.toMillis() / 2));
    }

    /** The options of the configuration, or {@code null} when recovery is off. */
    public static RecoveryOptions from(SocketIOConfig config) {
        SocketIOConfig.ConnectionStateRecovery recovery = config.connectionStateRecovery();
        if (!recovery.enabled()) {
            return null;
        }
        return new RecoveryOptions(recovery.maxDisconnectionDuration(), recovery.skipMiddlewares(),
                recovery.maxPackets(), recovery.maxBytes().asLongValue());
    }
}
