package io.quarkiverse.socketio.runtime;

import java.util.function.Function;

import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.server.SocketIOServerImpl;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.RuntimeValue;
import io.quarkus.runtime.annotations.Recorder;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The route of the Engine.IO endpoint on the application's HTTP router. */
@Recorder
public class EngineRouteRecorder {

    private final RuntimeValue<SocketIOConfig> config;

    public EngineRouteRecorder(RuntimeValue<SocketIOConfig> config) {
        this.config = config;
    }

    /** The route under the configured path ({@code quarkus.socketio.path}, a runtime setting). */
    public Function<Router, Route> route() {
        String pattern = SocketIOServerImpl.mountPath(config.getValue().path());
        return router -> router.route(pattern);
    }

    /** The handler of the route: the Engine.IO endpoint of this JVM's server (or servers, in a dev cluster). */
    public Handler<RoutingContext> handler() {
        return Arc.container().instance(SocketIOServers.class).get().engineHandler();
    }
}
