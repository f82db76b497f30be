package io.quarkiverse.socketio.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.devservices.SocketIODevServicesConfig;
import io.quarkiverse.socketio.runtime.config.SocketIOBuildConfig;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The configuration reference that Quarkus's config doc generator wrote from the javadoc of the {@code @ConfigMapping}
 * interfaces ({@code modules/ROOT/pages/includes/}, phase generate-resources of this module) lists every property of
 * each configuration root, with a description and with the default the interface declares, and nothing else.
 * <p>
 * A property without javadoc already fails the compilation of its module (the extension annotation processor's
 * check); one whose javadoc says nothing, or that the generator left out, fails here.
 */
class ConfigReferenceTest {

    static final Path INCLUDES = Path.of(System.getProperty("docs.includes", "modules/ROOT/pages/includes"));

    /** Property name and description, type and default as the generated reference shows them. */
    record Documented(String name, String description, String defaultValue) {
    }

    @Test
    void runTimeAndBuildTimePropertiesAreDocumentedWithTheirDefaults() throws IOException {
        Map<String, String> expected = new TreeMap<>();
        expected.putAll(properties(SocketIOConfig.class));
        expected.putAll(properties(SocketIOBuildConfig.class));
        assertDocumented(expected, documented(INCLUDES.resolve("quarkus-socketio-cluster.adoc")));
    }

    @Test
    void devServicesPropertiesAreDocumentedWithTheirDefaults() throws IOException {
        assertDocumented(properties(SocketIODevServicesConfig.class),
                documented(INCLUDES.resolve("quarkus-socketio-cluster-devservices.adoc")));
    }

    @Test
    void everyPropertyOfTheRunTimeRootIsInTheReference() throws IOException {
        Map<String, Documented> reference = documented(INCLUDES.resolve("quarkus-socketio-cluster.adoc"));
        Map<String, String> runtime = properties(SocketIOConfig.class);
        // the roots' walk below is what the other tests compare against: make sure it sees the whole interface
        assertTrue(runtime.size() >= 40, "properties of SocketIOConfig found: " + runtime.keySet());
        runtime.keySet().forEach(name -> assertTrue(reference.containsKey(name), name + " is not in the reference"));
    }

    private static void assertDocumented(Map<String, String> expected, Map<String, Documented> documented) {
        assertEquals(expected.keySet(), documented.keySet(), "the properties of the reference");
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> property : expected.entrySet()) {
            Documented doc = documented.get(property.getKey());
            if (doc.description().isBlank()) {
                problems.add(property.getKey() + ": no description (its javadoc)");
            }
            String want = normalize(property.getValue());
            String got = normalize(doc.defaultValue());
            if (!want.equals(got)) {
                problems.add(property.getKey() + ": default " + (got.isEmpty() ? "none" : got) + " in the reference, "
                        + (want.isEmpty() ? "none" : want) + " in the interface");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    // --- the properties a @ConfigMapping interface declares, with their @WithDefault -----------------------------

    static Map<String, String> properties(Class<?> root) {
        Map<String, String> properties = new LinkedHashMap<>();
        walk(root, root.getAnnotation(ConfigMapping.class).prefix(), properties);
        return properties;
    }

    private static void walk(Class<?> type, String prefix, Map<String, String> properties) {
        Method[] methods = type.getDeclaredMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method method : methods) {
            if (Modifier.isStatic(method.getModifiers()) || method.isDefault() || method.getParameterCount() > 0
                    || method.isSynthetic()) {
                continue;
            }
            WithName withName = method.getAnnotation(WithName.class);
            String name = prefix + "." + (withName != null ? withName.value() : hyphenate(method.getName()));
            Class<?> returned = method.getReturnType();
            if (isGroup(returned)) {
                walk(returned, name, properties);
            } else {
                WithDefault withDefault = method.getAnnotation(WithDefault.class);
                properties.put(name, withDefault == null ? "" : withDefault.value());
            }
        }
    }

    /** A config group: an interface of the extension's own (not a value type such as MemorySize or Optional). */
    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && type.getName().startsWith("io.quarkiverse.socketio.");
    }

    private static String hyphenate(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    // --- the generated reference ---------------------------------------------------------------------------------

    private static final Pattern PROPERTY = Pattern
            .compile("\\[\\.property-path]##link:#[^\\[]+\\[`\\+\\+\\+([^+]+)\\+\\+\\+`]##");

    static Map<String, Documented> documented(Path adoc) throws IOException {
        assertTrue(Files.isRegularFile(adoc), adoc + " was not generated");
        String text = Files.readString(adoc);
        String table = text;
        Matcher matcher = PROPERTY.matcher(table);
        List<int[]> starts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (matcher.find()) {
            starts.add(new int[] { matcher.start() });
            names.add(matcher.group(1));
        }
        Map<String, Documented> documented = new TreeMap<>();
        for (int i = 0; i < names.size(); i++) {
            String block = table.substring(starts.get(i)[0], i + 1 < names.size() ? starts.get(i + 1)[0] : table.length());
            String description = between(block, "[.description]\n--\n", "\nifdef::add-copy-button-to-env-var[]")
                    .orElse("").strip();
            // after the description's closing "--": the type line, then the default line, then the next row's "a|"
            String cells = block.substring(block.lastIndexOf("\n--\n") + 4);
            List<String> lines = cells.lines().filter(line -> line.startsWith("|") || line.startsWith("a|"))
                    .collect(Collectors.toList());
            String defaultValue = lines.size() >= 2 ? lines.get(1).substring(1) : "";
            assertFalse(documented.containsKey(names.get(i)), names.get(i) + " twice");
            documented.put(names.get(i), new Documented(names.get(i), description, defaultValue));
        }
        return documented;
    }

    private static Optional<String> between(String text, String from, String to) {
        int start = text.indexOf(from);
        if (start < 0) {
            return Optional.empty();
        }
        int end = text.indexOf(to, start + from.length());
        return Optional.of(text.substring(start + from.length(), end < 0 ? text.length() : end));
    }

    /**
     * A default as the interface declares it or as the reference shows it, in one form: the values of a list, upper
     * case (durations show as 25S for 25s), without the reference's markup.
     */
    static String normalize(String value) {
        String plain = value.replaceAll("tooltip:([^\\[]+)\\[[^]]*]", "$1");
        Matcher literal = Pattern.compile("\\+\\+\\+(.*?)\\+\\+\\+").matcher(plain);
        List<String> values = new ArrayList<>();
        while (literal.find()) {
            values.add(literal.group(1));
        }
        if (values.isEmpty()) {
            values = Arrays.stream(plain.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList();
        }
        return values.stream().map(v -> v.toUpperCase(Locale.ROOT).replaceFirst("^PT", "")).collect(Collectors.joining(","));
    }
}
