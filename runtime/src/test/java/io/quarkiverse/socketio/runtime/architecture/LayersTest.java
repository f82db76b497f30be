package io.quarkiverse.socketio.runtime.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The runtime's packages depend one way, downwards: a class may use its own package and the layers below its own,
 * never a layer above, and never a package beside it on the same layer (the primary, the worker and the in-JVM cluster
 * do not know each other; nor do the cluster and Redis adapters). docs/modules/ROOT/pages/architecture.adoc draws the same map.
 */
class LayersTest {

    private static final String API = "io.quarkiverse.socketio";
    private static final String RUNTIME = API + ".runtime";

    /** Top to bottom; the packages of one entry are peers. */
    static final List<List<String>> LAYERS = List.of(
            List.of("observability", "admin"), // the process seen from outside: meters and health, the Admin UI
            List.of(""), // the composition: what this process runs, the beans and recorders that wire it
            List.of("cluster.primary", "cluster.worker", "cluster.injvm"),
            List.of("cluster"),
            List.of("adapter.cluster", "adapter.redis"),
            List.of("server"),
            List.of("declarative"),
            List.of("adapter.wire"),
            List.of("adapter"),
            List.of("recovery"),
            List.of("parser", "cluster.wire"),
            List.of("engine"),
            List.of("config"));

    @Test
    void packagesDependOneWayDownwards() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(API);
        assertTrue(classes.size() > 100, "the runtime's classes were not found: " + classes.size());
        TreeSet<String> violations = new TreeSet<>();
        for (JavaClass origin : classes) {
            String from = origin.getPackageName();
            if (!from.startsWith(API)) {
                continue;
            }
            for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                String to = dependency.getTargetClass().getPackageName();
                if (!to.startsWith(API) || to.equals(from)) {
                    continue;
                }
                String why = refusal(from, to);
                if (why != null) {
                    violations.add(origin.getName() + " -> " + dependency.getTargetClass().getName() + ": " + why);
                }
            }
        }
        assertEquals("", String.join("\n", violations), "dependencies that run against the layers");
    }

    /** Why {@code from} may not use {@code to}, or null when it may. */
    static String refusal(String from, String to) {
        if (from.equals(API)) {
            return "the public API depends on no internal package";
        }
        if (to.equals(API)) {
            return null; // every layer may use the public API
        }
        int fromLayer = layer(from);
        int toLayer = layer(to);
        if (fromLayer < 0) {
            return "package " + from
                    + " is on no layer: add it to LayersTest.LAYERS and docs/modules/ROOT/pages/architecture.adoc";
        }
        if (toLayer < 0) {
            return "package " + to
                    + " is on no layer: add it to LayersTest.LAYERS and docs/modules/ROOT/pages/architecture.adoc";
        }
        if (toLayer == fromLayer) {
            return "peers on one layer do not know each other";
        }
        if (toLayer < fromLayer) {
            return "a dependency back up, from layer " + fromLayer + " to layer " + toLayer;
        }
        return null;
    }

    static int layer(String pkg) {
        if (!pkg.startsWith(RUNTIME)) {
            return -1;
        }
        String relative = pkg.equals(RUNTIME) ? "" : pkg.substring(RUNTIME.length() + 1);
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(relative)) {
                return i;
            }
        }
        return -1;
    }

    /** The rule itself: what a back-pointing or sideways import gets told, and what passes. */
    @Test
    void aBackPointingImportIsRefused() {
        assertEquals("a dependency back up, from layer 5 to layer 4",
                refusal(RUNTIME + ".server", RUNTIME + ".adapter.cluster"));
        assertEquals("peers on one layer do not know each other",
                refusal(RUNTIME + ".cluster.worker", RUNTIME + ".cluster.primary"));
        assertEquals(null, refusal(RUNTIME + ".cluster.primary", RUNTIME + ".cluster.wire"));
    }
}
