package io.quarkiverse.socketio.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The handshake cookie (Node's {@code cookie} option): what {@code quarkus.socketio.cookie.*} turns into, and the
 * {@code Set-Cookie} value it writes, attribute for attribute as Node's {@code cookie} package writes it.
 */
class EngineCookieTest {

    private static EngineOptions.Cookie configured(Map<String, String> properties) {
        SocketIOConfig config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withMapping(SocketIOConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build()
                .getConfigMapping(SocketIOConfig.class);
        return EngineOptions.from(config).cookie();
    }

    @Test
    void offByDefaultAsInNode() {
        assertNull(configured(Map.of()));
        assertNull(EngineOptions.defaults().cookie());
        assertNull(configured(Map.of("quarkus.socketio.cookie.name", "route")), "a name alone does not turn it on");
    }

    @Test
    void onItTakesNodesDefaults() {
        EngineOptions.Cookie cookie = configured(Map.of("quarkus.socketio.cookie.enabled", "true"));
        assertEquals(EngineOptions.Cookie.DEFAULT, cookie);
        // what Node's engine.io 6.6 writes with `cookie: true` (the cookie package's serialize())
        assertEquals("io=Ab-_0123456789abcdef; Path=/; HttpOnly; SameSite=Lax", cookie.header("Ab-_0123456789abcdef"));
    }

    @Test
    void everyAttributeInTheOrderNodeWritesThem() {
        EngineOptions.Cookie cookie = configured(Map.of(
                "quarkus.socketio.cookie.enabled", "true",
                "quarkus.socketio.cookie.name", "sio",
                "quarkus.socketio.cookie.path", "/chat",
                "quarkus.socketio.cookie.domain", "example.com",
                "quarkus.socketio.cookie.http-only", "false",
                "quarkus.socketio.cookie.secure", "true",
                "quarkus.socketio.cookie.same-site", "none",
                "quarkus.socketio.cookie.max-age", "1h"));
        // {name: "sio", path: "/chat", domain: "example.com", httpOnly: false, secure: true, sameSite: "none",
        //  maxAge: 3600} in Node
        assertEquals("sio=s1; Max-Age=3600; Domain=example.com; Path=/chat; Secure; SameSite=None",
                cookie.header("s1"));
        assertEquals("io=s2; Path=/; HttpOnly; SameSite=Strict",
                configured(Map.of("quarkus.socketio.cookie.enabled", "true", "quarkus.socketio.cookie.same-site",
                        "strict")).header("s2"));
    }

    @Test
    void withoutOptionalAttributes() {
        EngineOptions.Cookie bare = new EngineOptions.Cookie("io", null, null, false, false, null, null);
        assertEquals("io=s3", bare.header("s3"));
        assertEquals("Lax", new EngineOptions.Cookie("io", "/", null, true, false, "LAX", null).sameSite());
    }

    @Test
    void invalidValuesAreRefusedAtStartup() {
        assertThrows(IllegalArgumentException.class, () -> new EngineOptions.Cookie("i o", "/", null, true, false,
                null, null));
        assertThrows(IllegalArgumentException.class, () -> new EngineOptions.Cookie("io;", "/", null, true, false,
                null, null));
        assertThrows(IllegalArgumentException.class, () -> new EngineOptions.Cookie("", "/", null, true, false,
                null, null));
        assertThrows(IllegalArgumentException.class, () -> new EngineOptions.Cookie("io", "/a;b", null, true, false,
                null, null));
        assertThrows(IllegalArgumentException.class, () -> new EngineOptions.Cookie("io", "/", "a\nb", true, false,
                null, null));
        assertThrows(IllegalArgumentException.class, () -> new EngineOptions.Cookie("io", "/", null, true, false,
                "sometimes", null));
        assertThrows(IllegalArgumentException.class, () -> new EngineOptions.Cookie("io", "/", null, true, false,
                null, Duration.ofMillis(500)));
        assertThrows(IllegalArgumentException.class, () -> configured(Map.of("quarkus.socketio.cookie.enabled", "true",
                "quarkus.socketio.cookie.name", "bad name")));
    }
}
