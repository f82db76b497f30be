package io.quarkiverse.socketio.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.eclipse.aether.artifact.DefaultArtifact;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.bootstrap.resolver.maven.MavenArtifactResolver;

/**
 * The extension as a new user meets it, through Quarkus's own tools (the Quarkus Maven plugin of the Quarkus version
 * the extension is built with), from an empty temporary folder, with the registry client pointed only at this build's
 * registry ({@code -Dquarkus.tools.config}, a registry configuration of one registry).
 * <p>
 * What this build would install ({@code ./mvnw install}: the extension's modules and the registry's descriptor and
 * catalogs) is installed first into a local repository of the test's own, in front of the build's (Maven's chained
 * local repository), so that the test needs no {@code install} and sees nothing an earlier install left. Everything else
 * comes from the Maven registry, as for any user; a request to the registry's own URL would show in the output, and
 * fails the test.
 */
@Tag("quarkus-tools")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuarkusToolsIT {

    static final String GROUP_ID = "io.quarkiverse.socketio";

    static Path root;
    static String version;
    static String quarkusVersion;
    static String registryId;
    static Path work;
    static Path repo;
    static Path config;
    static long started;

    @BeforeAll
    static void stage() throws Exception {
        started = System.nanoTime();
        root = Path.of(property("project.root")).toRealPath();
        version = property("project.version");
        quarkusVersion = property("quarkus.version");
        registryId = property("registry.id");
        work = Files.createTempDirectory("socketio-quarkus-tools");
        repo = work.resolve("repository");
        Files.createDirectories(work.resolve("logs"));

        MavenArtifactResolver resolver = MavenArtifactResolver.builder()
                .setLocalRepository(repo.toString())
                .setOffline(true)
                .setWorkspaceDiscovery(false)
                .build();
        install(resolver, GROUP_ID, "quarkus-socketio-cluster-parent", "", "pom", root.resolve("pom.xml"));
        installModule(resolver, "runtime", "quarkus-socketio-cluster");
        install(resolver, GROUP_ID, "quarkus-socketio-cluster", "codestarts", "jar",
                root.resolve("runtime/target/quarkus-socketio-cluster-" + version + "-codestarts.jar"));
        installModule(resolver, "runtime-dev", "quarkus-socketio-cluster-dev");
        installModule(resolver, "devservices", "quarkus-socketio-cluster-devservices");
        installModule(resolver, "deployment", "quarkus-socketio-cluster-deployment");

        // the registry, at the coordinates of the module's install-file executions
        String registryGroupId = property("registry.group-id");
        Path registry = Path.of(property("registry.directory"));
        String v = "1.0-SNAPSHOT";
        install(resolver, registryGroupId, "quarkus-registry-descriptor", "", "json", v,
                registry.resolve(RegistryCatalogs.DESCRIPTOR_FILE));
        install(resolver, registryGroupId, "quarkus-platforms", "", "json", v,
                registry.resolve(RegistryCatalogs.PLATFORMS_FILE));
        install(resolver, registryGroupId, "quarkus-platforms", quarkusVersion, "json", v,
                registry.resolve(RegistryCatalogs.PLATFORMS_FILE));
        install(resolver, registryGroupId, "quarkus-non-platform-extensions", quarkusVersion, "json", v,
                registry.resolve(RegistryCatalogs.NON_PLATFORM_FILE));

        config = work.resolve("registry-config.yaml");
        Files.writeString(config, "registries:\n  - " + registryId + "\n");
        log("staged the extension and the registry in " + repo);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        log("done");
        if (work != null && !Boolean.getBoolean("keep-work")) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void createdAppPassesItsTestAndRunsAsAClusterOfTwoWorkers() throws Exception {
        String created = maven(work, "create-greeting-app", "io.quarkus:quarkus-maven-plugin:" + quarkusVersion + ":create",
                "-DprojectGroupId=org.acme", "-DprojectArtifactId=greeting-app", "-Dextensions=socketio-cluster");
        assertTrue(created.contains("socketio-cluster-codestart"), "the extension's codestart applied");
        Path app = work.resolve("greeting-app");
        assertTrue(Files.exists(app.resolve("src/main/java/org/acme/GreetingSocket.java")));
        assertTrue(Files.exists(app.resolve("src/main/resources/META-INF/resources/greetings.html")));
        assertTrue(Files.exists(app.resolve("src/test/java/org/acme/GreetingSocketTest.java")));
        assertTrue(Files.readString(app.resolve("src/main/resources/application.properties"))
                .contains("quarkus.socketio.cluster.workers=2"));
        assertTrue(Files.readString(app.resolve("README.md")).contains("GreetingSocket"));
        assertDependency(app);
        log("created greeting-app");

        // its own test (two official Java clients against the in-JVM cluster), then the packaged application
        String packaged = maven(app, "package-greeting-app", "package", "-Dquarkus.http.test-port=0");
        assertTrue(packaged.contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0"), "GreetingSocketTest passed");
        log("greeting-app's test passed, packaged");

        int port = freePort();
        Path runLog = work.resolve("logs/greeting-app-run.log");
        Process primary = new ProcessBuilder(javaExecutable(), "-Dquarkus.http.port=" + port, "-jar",
                "target/quarkus-app/quarkus-run.jar")
                .directory(app.toFile()).redirectErrorStream(true).redirectOutput(runLog.toFile()).start();
        try {
            awaitLog(primary, runLog, "with 2 workers", 90);
            log("packaged greeting-app serves on port " + port + ", a primary and 2 workers");
            String ack = run(root.resolve("registry/src/test/js"), "greet", 60, "node", "greet.mjs",
                    "http://127.0.0.1:" + port).trim();
            assertTrue(ack.contains("\"text\":\"Hello CI!\""), ack);
            assertTrue(ack.contains("\"servers\":2"), "two workers serve the namespace: " + ack);
            log("the JavaScript client got its ack: " + ack);
        } finally {
            stop(primary);
        }
    }

    @Test
    @Order(2)
    void extensionAddedByItsShortName() throws Exception {
        maven(work, "create-plain-app", "io.quarkus:quarkus-maven-plugin:" + quarkusVersion + ":create",
                "-DprojectGroupId=org.acme", "-DprojectArtifactId=plain-app");
        Path app = work.resolve("plain-app");
        assertFalse(Files.readString(app.resolve("pom.xml")).contains("quarkus-socketio-cluster"));

        String listed = maven(app, "list-extensions", "quarkus:list-extensions", "-DsearchPattern=socket",
                "-Dformat=full");
        assertTrue(listed.lines().anyMatch(line -> line.contains("quarkus-socketio-cluster")
                && line.contains("Socket.IO Cluster") && line.contains(version)), "listed:\n" + listed);

        String added = maven(app, "add-extension", "quarkus:add-extension", "-Dextensions=socketio-cluster");
        assertTrue(added.contains("Extension " + GROUP_ID + ":quarkus-socketio-cluster:" + version + " has been installed"),
                added);
        assertDependency(app);
        log("added to plain-app by its short name");
    }

    private static void assertDependency(Path app) throws IOException {
        String pom = Files.readString(app.resolve("pom.xml")).replaceAll("\\s+", "");
        assertTrue(
                pom.contains("<dependency><groupId>" + GROUP_ID + "</groupId><artifactId>quarkus-socketio-cluster</artifactId>"
                        + "<version>" + version + "</version></dependency>"),
                "the dependency in " + app.resolve("pom.xml"));
    }

    /** Runs Maven (the build's own) with this test's repository and registry configuration; returns its output. */
    private static String maven(Path dir, String name, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(property("maven.home"), "bin", "mvn").toString());
        command.add("-B");
        command.add("--no-transfer-progress");
        command.add("-Dstyle.color=never");
        command.add("-Dmaven.repo.local=" + repo);
        command.add("-Dmaven.repo.local.tail=" + tail());
        command.add("-Dquarkus.tools.config=" + config);
        command.addAll(List.of(args));
        String output = run(dir, name, 300, command.toArray(String[]::new));
        assertFalse(output.contains("Downloading from " + registryId),
                "the registry is this build's: nothing comes from " + registryId + "'s URL");
        return output;
    }

    /** The build's local repository, and the ones it chains to. */
    private static String tail() {
        String tail = property("maven.repo.local");
        String outer = System.getProperty("maven.repo.local.tail", "");
        return outer.isBlank() || outer.startsWith("${") ? tail : tail + "," + outer;
    }

    private static String run(Path dir, String name, int timeoutSeconds, String... command) throws Exception {
        Path output = work.resolve("logs/" + name + ".log");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        boolean exited = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!exited) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String text = Files.readString(output);
        log(String.format("%s: %.1f s", name, (System.nanoTime() - start) / 1e9));
        if (!exited || process.exitValue() != 0) {
            fail(name + (exited ? " exited with " + process.exitValue() : " timed out") + ": " + String.join(" ", command)
                    + "\n" + tailOf(text, 80));
        }
        return text;
    }

    private static void awaitLog(Process process, Path log, String line, int timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            String text = Files.readString(log);
            if (text.contains(line)) {
                return;
            }
            if (!process.isAlive()) {
                fail("the application exited with " + process.exitValue() + ":\n" + tailOf(text, 80));
            }
            Thread.sleep(200);
        }
        fail("no \"" + line + "\" within " + timeoutSeconds + " s:\n" + tailOf(Files.readString(log), 80));
    }

    /** SIGTERM, as an operator stops it: the primary drains its workers; whatever is left then is killed. */
    private static void stop(Process primary) throws InterruptedException {
        List<ProcessHandle> workers = primary.descendants().toList();
        primary.destroy();
        if (!primary.waitFor(45, TimeUnit.SECONDS)) {
            primary.destroyForcibly();
        }
        workers.forEach(ProcessHandle::destroyForcibly);
    }

    private static void installModule(MavenArtifactResolver resolver, String module, String artifactId)
            throws Exception {
        install(resolver, GROUP_ID, artifactId, "", "pom", root.resolve(module).resolve("pom.xml"));
        install(resolver, GROUP_ID, artifactId, "", "jar",
                root.resolve(module).resolve("target").resolve(artifactId + "-" + version + ".jar"));
    }

    private static void install(MavenArtifactResolver resolver, String groupId, String artifactId, String classifier,
            String type, Path file) throws Exception {
        install(resolver, groupId, artifactId, classifier, type, version, file);
    }

    private static void install(MavenArtifactResolver resolver, String groupId, String artifactId, String classifier,
            String type, String artifactVersion, Path file) throws Exception {
        if (!Files.isRegularFile(file)) {
            fail(file + " is missing: build the extension's modules first (./mvnw verify builds them)");
        }
        resolver.install(new DefaultArtifact(groupId, artifactId, classifier, type, artifactVersion).setFile(file.toFile()));
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + name + " is not set (the registry module's pom sets it)");
        }
        return value;
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tailOf(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static void log(String message) {
        System.out.printf("[QuarkusToolsIT +%.0f s] %s%n", (System.nanoTime() - started) / 1e9, message);
    }

}
