package io.quarkiverse.socketio.it.engine;

import java.net.URI;
import java.util.concurrent.TimeUnit;

import io.quarkiverse.socketio.it.EngineEchoEndpoint;
import io.quarkiverse.socketio.runtime.engine.EngineOptions;
import io.quarkiverse.socketio.runtime.engine.EngineServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * An echo {@link EngineServer} with settings of the test's choosing (upgrade timeout, CORS, transports, a heartbeat
 * slow enough to stay out of timing-sensitive tests), on its own Vert.x HTTP server on a free port, mounted at
 * {@code /engine.io/} the same way the application mounts its own.
 */
final class PrivateEngineServer implements AutoCloseable {

    final EngineServer engine;
    final URI base;
    private final HttpServer http;

    private PrivateEngineServer(EngineServer engine, HttpServer http) {
        this.engine = engine;
        this.http = http;
        this.base = URI.create("http://localhost:" + http.actualPort() + "/engine.io/");
    }

    static PrivateEngineServer start(Vertx vertx, EngineOptions options) throws Exception {
        EngineServer engine = new EngineServer(vertx, options, EngineEchoEndpoint.echoListener());
        Router router = Router.router(vertx);
        router.route("/engine.io/*").handler(engine.routeHandler());
        HttpServer http = vertx.createHttpServer(new HttpServerOptions().setHost("localhost").setPort(0)
                .setMaxWebSocketFrameSize(options.maxHttpBufferSize()))
                .requestHandler(router)
                .listen()
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new PrivateEngineServer(engine, http);
    }

    @Override
    public void close() throws Exception {
        engine.close();
        http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
