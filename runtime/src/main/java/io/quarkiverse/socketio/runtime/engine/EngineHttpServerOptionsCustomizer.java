package io.quarkiverse.socketio.runtime.engine;

import java.util.Optional;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Lets a WebSocket frame as large as {@code quarkus.socketio.max-http-buffer-size} reach the Engine.IO server.
 * <p>
 * Vert.x refuses frames above {@code maxWebSocketFrameSize} (64 KiB by default) and closes the connection; browsers
 * and the Socket.IO clients send each message as one frame. So, unless the application set
 * {@code quarkus.http.websocket-server.max-frame-size} itself, the HTTP server's limit is raised to
 * {@code max-http-buffer-size} (never lowered). The Engine.IO WebSocket transport aggregates continuation frames itself
 * and enforces {@code max-http-buffer-size} per message, so Vert.x's message size limit is left alone.
 * <p>
 * This is a server-wide setting: other WebSocket endpoints of the application accept the same frame size.
 */
@Singleton
public class EngineHttpServerOptionsCustomizer implements HttpServerOptionsCustomizer {

    static final String FRAME_SIZE_PROPERTY = "quarkus.http.websocket-server.max-frame-size";

    private static final Logger LOG = Logger.getLogger(EngineHttpServerOptionsCustomizer.class);

    private final int maxHttpBufferSize;
    private final boolean frameSizeConfigured;

    public EngineHttpServerOptionsCustomizer(SocketIOConfig config) {
        this.maxHttpBufferSize = EngineOptions.maxBytes(config);
        Optional<Integer> configured = ConfigProvider.getConfig().getOptionalValue(FRAME_SIZE_PROPERTY, Integer.class);
        this.frameSizeConfigured = configured.isPresent();
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        customize(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        customize(options);
    }

    @Override
    public void customizeDomainSocketServer(HttpServerOptions options) {
        customize(options);
    }

    private void customize(HttpServerOptions options) {
        int current = options.getMaxWebSocketFrameSize();
        if (current >= maxHttpBufferSize) {
            return;
        }
        if (frameSizeConfigured) {
            LOG.warnf("%s=%d is below quarkus.socketio.max-http-buffer-size=%d: a Socket.IO WebSocket message larger "
                    + "than %d bytes closes its connection", FRAME_SIZE_PROPERTY, current, maxHttpBufferSize, current);
            return;
        }
        options.setMaxWebSocketFrameSize(maxHttpBufferSize);
    }
}
