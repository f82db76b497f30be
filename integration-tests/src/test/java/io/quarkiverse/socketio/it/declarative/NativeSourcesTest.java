package io.quarkiverse.socketio.it.declarative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.ProdBuildResults;
import io.quarkus.test.ProdModeTestResults;
import io.quarkus.test.QuarkusProdModeTest;

/**
 * Native readiness without GraalVM: builds the declarative fixture with {@code quarkus.native.enabled=true} and
 * {@code quarkus.native.sources-only=true} (Quarkus writes the native-image sources and stops before
 * {@code native-image}), and checks the reflection configuration Quarkus generated for the image
 * ({@code META-INF/native-image/reflect-config.json} of the runner jar): every payload type Jackson binds or writes
 * with what Jackson needs (constructors, methods, fields), and every generated invoker with its constructor. Nothing
 * comes from a hand-written configuration.
 */
class NativeSourcesTest {

    @RegisterExtension
    static final QuarkusProdModeTest BUILD = new QuarkusProdModeTest()
            .withApplicationRoot(jar -> jar.addClasses(DeclarativeFixture.class, DynamicFixture.class, Item.class,
                    Note.class, Order.class, Receipt.class))
            .overrideConfigKey("quarkus.native.enabled", "true")
            .overrideConfigKey("quarkus.native.sources-only", "true")
            .setRun(false);

    @ProdBuildResults
    ProdModeTestResults results;

    @Test
    void reflectionConfigurationCoversPayloadTypesAndInvokers() throws Exception {
        Map<String, JsonNode> config = reflectConfig();

        // bound from event arguments (records, a POJO, generic collections of records) or written as acks
        for (Class<?> payload : List.of(Item.class, Note.class, Order.class, Receipt.class)) {
            JsonNode entry = config.get(payload.getName());
            assertNotNull(entry, payload.getName() + " is not registered for reflection");
            assertTrue(entry.path("allDeclaredConstructors").asBoolean(), payload + ": constructors " + entry);
            assertTrue(entry.path("allDeclaredMethods").asBoolean(), payload + ": methods " + entry);
            assertTrue(entry.path("allDeclaredFields").asBoolean(), payload + ": fields " + entry);
        }

        // one generated invoker per handler method, instantiated by name at startup
        List<String> invokers = config.keySet().stream().filter(name -> name.contains("_SocketIOInvoker_")).sorted()
                .toList();
        assertEquals(handlerMethods(DeclarativeFixture.class) + handlerMethods(DynamicFixture.class), invokers.size(),
                "invokers: " + invokers);
        for (String invoker : invokers) {
            assertTrue(config.get(invoker).path("allDeclaredConstructors").asBoolean()
                    || config.get(invoker).path("methods").toString().contains("<init>"), invoker + ": constructor");
        }
        assertTrue(invokers.stream().anyMatch(name -> name.startsWith(DeclarativeFixture.class.getName()
                + "_SocketIOInvoker_generic_")), "invokers: " + invokers);

        // the bean classes are looked up by name
        assertTrue(config.containsKey(DeclarativeFixture.class.getName()), "bean class");
        assertTrue(config.containsKey(DynamicFixture.class.getName()), "bean class");
    }

    private static long handlerMethods(Class<?> bean) {
        return Stream.of(bean.getDeclaredMethods())
                .filter(method -> Stream.of(method.getAnnotations()).anyMatch(annotation -> annotation
                        .annotationType().getPackageName().equals("io.quarkiverse.socketio")))
                .count();
    }

    /** The generated reflect-config.json of the native-image sources, by class name. */
    private Map<String, JsonNode> reflectConfig() throws Exception {
        Path sources = results.getBuildDir().resolve("native-sources");
        Path runner;
        try (Stream<Path> files = Files.list(sources)) {
            runner = files.filter(file -> file.getFileName().toString().endsWith("-runner.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no runner jar in " + sources));
        }
        try (JarFile jar = new JarFile(runner.toFile())) {
            var entry = jar.getJarEntry("META-INF/native-image/reflect-config.json");
            assertNotNull(entry, "no META-INF/native-image/reflect-config.json in " + runner);
            JsonNode array = new ObjectMapper().readTree(jar.getInputStream(entry));
            Map<String, JsonNode> byName = new HashMap<>();
            array.forEach(item -> byName.merge(item.path("name").asText(), item, (a, b) -> {
                // several registrations of one class: keep the union of the flags
                ((com.fasterxml.jackson.databind.node.ObjectNode) a).setAll((com.fasterxml.jackson.databind.node.ObjectNode) b);
                return a;
            }));
            return byName;
        }
    }
}
