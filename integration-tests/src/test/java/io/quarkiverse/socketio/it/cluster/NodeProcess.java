package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Node.js script of {@code src/test/js} that talks JSON lines, {@code redis-peer.mjs} or {@code redis-client.mjs}:
 * facts on stdout, commands {@code {"id", "cmd", ...}} on stdin, each answered by a line with the same {@code id}. Every
 * line it prints is kept, handed to the listener, and copied to {@code target/cluster-it/<name>.out}; its stderr goes to
 * {@code <name>.err}. Closing it ends its stdin (the scripts then stop by themselves) and kills it if it lingers.
 */
final class NodeProcess implements AutoCloseable {

    static final Path SCRIPTS = Path.of("src", "test", "js");
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** How long a command's answer may take. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);

    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;
    private final Writer stdin;
    private final List<JsonNode> lines = new CopyOnWriteArrayList<>();
    private final Map<Long, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Consumer<JsonNode> listener;

    private NodeProcess(String name, Process process, Path out, Path err, Consumer<JsonNode> listener) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
        this.listener = listener;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /**
     * Starts {@code node <script> <args...>} in {@code src/test/js}.
     *
     * @param name the names of its log files
     * @param listener told of every JSON line, on the reader's thread
     */
    static NodeProcess start(String name, String script, List<String> args, Consumer<JsonNode> listener)
            throws IOException {
        assertTrue(Files.isDirectory(SCRIPTS.resolve("node_modules").resolve("socket.io")),
                "the Node packages are not installed: run `npm ci` in " + SCRIPTS.toAbsolutePath()
                        + " (the Maven build does it in generate-resources)");
        Files.createDirectories(PackagedCluster.LOG_DIR);
        Path out = PackagedCluster.LOG_DIR.resolve(name + ".out").toAbsolutePath();
        Path err = PackagedCluster.LOG_DIR.resolve(name + ".err").toAbsolutePath();
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("node.executable", "node"));
        command.add(script);
        command.addAll(args);
        Files.writeString(out, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(command).directory(SCRIPTS.toFile()).redirectError(err.toFile()).start();
        NodeProcess node = new NodeProcess(name, process, out, err, listener);
        node.readOutput();
        return node;
    }

    private void readOutput() {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    Writer copy = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
                String line;
                while ((line = in.readLine()) != null) {
                    copy.write(line + "\n");
                    copy.flush();
                    if (!line.startsWith("{")) {
                        continue;
                    }
                    JsonNode json;
                    try {
                        json = MAPPER.readTree(line);
                    } catch (IOException e) {
                        continue;
                    }
                    lines.add(json);
                    listener.accept(json);
                    if (json.has("id") && json.has("ok")) {
                        CompletableFuture<JsonNode> answer = answers.remove(json.get("id").asLong());
                        if (answer != null) {
                            answer.complete(json);
                        }
                    }
                }
            } catch (IOException e) {
                lines.add(MAPPER.createObjectNode().put("error", "output reader: " + e));
            }
            answers.values().forEach(a -> a.completeExceptionally(
                    new AssertionError(name + " exited without answering" + describe())));
        }, "node-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** A command object to fill in and {@link #send}. */
    static ObjectNode command(String cmd) {
        return MAPPER.createObjectNode().put("cmd", cmd);
    }

    /** Sends a command; the future completes with its answer line (whatever its {@code ok}). */
    CompletableFuture<JsonNode> send(ObjectNode command) throws IOException {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        answers.put(id, answer);
        command.put("id", id);
        synchronized (stdin) {
            stdin.write(MAPPER.writeValueAsString(command) + "\n");
            stdin.flush();
        }
        return answer;
    }

    /** Sends a command and waits for its answer, which must be {@code ok}. */
    JsonNode call(ObjectNode command) throws Exception {
        JsonNode answer = await(send(command), command.path("cmd").asText(), COMMAND_TIMEOUT);
        if (!answer.path("ok").asBoolean()) {
            fail(name + ": " + command + " answered " + answer + describe());
        }
        return answer;
    }

    /** Waits for an answer at most {@code timeout}. */
    JsonNode await(CompletableFuture<JsonNode> answer, String what, Duration timeout) throws Exception {
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": no answer to " + what + " within " + timeout.toMillis() + " ms"
                    + describe());
        } catch (ExecutionException e) {
            throw new AssertionError(name + ": " + what + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The first line {@code accept} takes, waiting for it at most {@code timeout}. */
    JsonNode awaitLine(Predicate<JsonNode> accept, String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (JsonNode line : lines) {
                if (accept.test(line)) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                Thread.sleep(200);
                if (lines.stream().noneMatch(accept)) {
                    fail(name + " exited (status " + process.exitValue() + ") before " + what + describe());
                }
            }
            if (System.nanoTime() > deadline) {
                fail(name + ": no " + what + " within " + timeout.toMillis() + " ms" + describe());
            }
            Thread.sleep(10);
        }
    }

    List<JsonNode> lines() {
        return List.copyOf(lines);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The error lines it printed. */
    List<JsonNode> errors() {
        return lines.stream().filter(l -> l.has("error") && !l.has("id")).toList();
    }

    /** Where its output is, and its last lines. */
    String describe() {
        List<String> tail = new ArrayList<>();
        try {
            List<String> all = Files.readAllLines(out, StandardCharsets.UTF_8);
            tail.addAll(all.subList(Math.max(0, all.size() - 30), all.size()));
            String errors = Files.readString(err, StandardCharsets.UTF_8);
            if (!errors.isBlank()) {
                tail.add("--- stderr: " + errors.substring(Math.max(0, errors.length() - 2000)));
            }
        } catch (IOException e) {
            tail.add(e.toString());
        }
        return "\n--- " + out + " (last lines)\n" + String.join("\n", tail);
    }

    /** Ends its stdin, which ends the script; kills it when it is still there after 5 s. */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // gone already
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
