package io.quarkiverse.socketio.devservices;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.vertx.ext.web.Router;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/** For {@link RedisDevServiceDevModeTest}: {@code GET /redis-info} answers which Redis process the client reaches. */
@ApplicationScoped
public class RedisInfoRoute {

    @Inject
    Redis redis;

    void route(@Observes Router router) {
        router.get("/redis-info").handler(rc -> redis.send(Request.cmd(Command.INFO).arg("server")).onComplete(ar -> {
            if (ar.failed()) {
                rc.fail(ar.cause());
                return;
            }
            String pid = field(ar.result().toString(), "process_id");
            String port = field(ar.result().toString(), "tcp_port");
            rc.response().end("v1 pid=" + pid + " port=" + port);
        }));
    }

    private static String field(String info, String name) {
        return info.lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).trim())
                .findFirst().orElse("?");
    }
}
