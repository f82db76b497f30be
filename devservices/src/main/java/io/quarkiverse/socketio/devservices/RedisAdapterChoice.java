package io.quarkiverse.socketio.devservices;

import java.util.Locale;
import java.util.Set;

import org.eclipse.microprofile.config.Config;

/**
 * The adapter the application chose ({@code quarkus.socketio.adapter}) and, for a Redis adapter, the Quarkus Redis client
 * it goes through ({@code quarkus.socketio.redis.client-name}, the default client when unset), with the names of that
 * client's properties. Read as plain strings: the settings belong to the runtime module's configuration.
 */
record RedisAdapterChoice(String adapter, String clientName) {

    static final String ADAPTER = "quarkus.socketio.adapter";
    static final String CLIENT_NAME = "quarkus.socketio.redis.client-name";
    static final Set<String> REDIS_ADAPTERS = Set.of("redis", "redis-sharded", "redis-streams");
    /** quarkus-redis-client's artifact, for the message that asks for it. */
    static final String REDIS_CLIENT_ARTIFACT = "io.quarkus:quarkus-redis-client";

    static RedisAdapterChoice of(Config config) {
        String adapter = config.getOptionalValue(ADAPTER, String.class).map(a -> a.trim().toLowerCase(Locale.ROOT))
                .orElse("local");
        String clientName = config.getOptionalValue(CLIENT_NAME, String.class).map(String::trim)
                .filter(name -> !name.isEmpty()).orElse(null);
        return new RedisAdapterChoice(adapter, clientName);
    }

    boolean usesRedis() {
        return REDIS_ADAPTERS.contains(adapter);
    }

    /** The chosen client's property {@code attribute}: {@code quarkus.redis.hosts}, {@code quarkus.redis.<name>.hosts}. */
    String clientProperty(String attribute) {
        if (clientName == null) {
            return "quarkus.redis." + attribute;
        }
        // as quarkus-redis-client names them: a name with dots is quoted
        return "quarkus.redis." + (clientName.contains(".") ? "\"" + clientName + "\"" : clientName) + "." + attribute;
    }

    String hostsProperty() {
        return clientProperty("hosts");
    }

    /** Whether the chosen client knows where Redis is: its hosts, or a bean that provides them. */
    boolean clientConfigured(Config config) {
        return nonEmpty(config, hostsProperty()) || nonEmpty(config, clientProperty("hosts-provider-name"));
    }

    /** Whether quarkus-redis-client's own Dev Service is on for the chosen client (it is unless turned off). */
    boolean redisClientDevServiceEnabled(Config config) {
        return config.getOptionalValue(clientProperty("devservices.enabled"), Boolean.class).orElse(true);
    }

    String describeClient() {
        return clientName == null ? "the default Redis client" : "the Redis client '" + clientName + "'";
    }

    /** Why the build stops when the application chose a Redis adapter without the Redis client. */
    String missingClientMessage() {
        return ADAPTER + "=" + adapter + " needs the Quarkus Redis client: add the dependency " + REDIS_CLIENT_ARTIFACT
                + " to the application (or set " + ADAPTER + "=local).";
    }

    private static boolean nonEmpty(Config config, String property) {
        String value = config.getConfigValue(property).getValue();
        return value != null && !value.isBlank();
    }
}
