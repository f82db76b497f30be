package io.quarkiverse.socketio.deployment;

import java.lang.annotation.RetentionPolicy;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkiverse.socketio.runtime.config.SocketIOBuildConfig;
import io.quarkus.arc.Unremovable;
import io.quarkus.arc.deployment.GeneratedBeanBuildItem;
import io.quarkus.arc.deployment.GeneratedBeanGizmoAdaptor;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.gizmo.ClassCreator;
import io.quarkus.gizmo.FieldCreator;

/**
 * The Redis adapters ({@code quarkus.socketio.adapter=redis}, {@code redis-sharded} or {@code redis-streams}, chosen at
 * run time): in an application with the Quarkus Redis client, the client the adapters use must be a bean even when
 * nothing of the application injects it.
 * <p>
 * The Redis client makes a bean of each client it sees injected; the natural way to ask for one more, its
 * {@code RequestedRedisClientBuildItem}, cannot be named here: the Redis client is an optional dependency, and a build
 * step that names a class of it fails to load in every application without it. So this step generates a bean with the
 * injection point the Redis client looks for, named only by strings.
 */
class RedisAdapterProcessor {

    static final String CLIENT_HOLDER = "io.quarkiverse.socketio.runtime.adapter.redis.RedisClientInjectionPoint";
    private static final String REDIS = "io.vertx.redis.client.Redis";
    private static final String CLIENT_NAME = "io.quarkus.redis.client.RedisClientName";

    /**
     * A bean that injects the Redis client of {@code quarkus.socketio.redis.client-name}, so that the Redis client makes
     * it a bean: the adapter is chosen when the application runs.
     */
    @BuildStep
    void redisClientInjectionPoint(Capabilities capabilities, SocketIOBuildConfig config,
            BuildProducer<GeneratedBeanBuildItem> beans) {
        if (!capabilities.isPresent(Capability.REDIS_CLIENT)) {
            return;
        }
        try (ClassCreator creator = ClassCreator.builder()
                .classOutput(new GeneratedBeanGizmoAdaptor(beans))
                .className(CLIENT_HOLDER)
                .setFinal(true)
                .build()) {
            creator.addAnnotation(Singleton.class);
            creator.addAnnotation(Unremovable.class);
            // Instance<Redis>, not Redis: an injected inactive client (no hosts: the adapter is local) fails the start
            FieldCreator field = creator.getFieldCreator("client", Instance.class);
            field.setSignature("L" + Instance.class.getName().replace('.', '/') + "<L" + REDIS.replace('.', '/')
                    + ";>;");
            field.addAnnotation(Inject.class);
            config.redis().clientName().ifPresent(name -> field.addAnnotation(CLIENT_NAME, RetentionPolicy.RUNTIME)
                    .add("value", name));
        }
    }
}
