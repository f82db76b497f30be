package io.quarkiverse.socketio.it;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.engine.EngineListener;
import io.quarkiverse.socketio.runtime.engine.EngineOptions;
import io.quarkiverse.socketio.runtime.engine.EngineServer;
import io.quarkiverse.socketio.runtime.engine.EngineSession;
import io.quarkiverse.socketio.runtime.engine.EngineSessionHandler;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;

/**
 * A bare Engine.IO endpoint at {@code /engine.io/}, with the {@code quarkus.socketio} engine settings: every message
 * packet is echoed back unchanged (text as text, binary as binary). Used by the Engine.IO protocol tests.
 */
@ApplicationScoped
public class EngineEchoEndpoint {

    public static final String PATH = "/engine.io/";

    private volatile EngineServer server;

    void init(@Observes Router router, Vertx vertx, SocketIOConfig config) {
        server = new EngineServer(vertx, EngineOptions.from(config), echoListener());
        router.route(PATH + "*").handler(server.routeHandler());
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.close();
        }
    }

    /** The echo server, for tests that look at its session count. */
    public EngineServer server() {
        return server;
    }

    /** The listener that echoes every message packet of every session. */
    public static EngineListener echoListener() {
        return EngineEchoEndpoint::echo;
    }

    private static void echo(EngineSession session) {
        session.handler(new EngineSessionHandler() {
            @Override
            public void onText(String text) {
                session.sendText(text);
            }

            @Override
            public void onBinary(Buffer data) {
                session.sendBinary(data);
            }

            @Override
            public void onClose(String reason) {
            }
        });
    }
}
