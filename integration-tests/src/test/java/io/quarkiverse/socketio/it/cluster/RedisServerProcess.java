package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of the PATH for the tests of several hosts: on a free port of 127.0.0.1, without persistence
 * ({@code --save '' --appendonly no}), its log in {@code target/cluster-it/<name>-redis.log}. It can be stopped and
 * started again on the same port, as an operator restarts Redis under running servers. Without {@code redis-server}
 * on the PATH the test fails (CI installs it: {@code .ci/run}); it is not skipped.
 */
final class RedisServerProcess implements AutoCloseable {

    private final Path executable;
    private final int port;
    private final Path logFile;
    private Process process;

    private RedisServerProcess(Path executable, int port, Path logFile) {
        this.executable = executable;
        this.port = port;
        this.logFile = logFile;
    }

    /** Starts a redis-server on a free port and waits until it answers PING. */
    static RedisServerProcess start(String name) throws Exception {
        Path executable = onPath("redis-server").orElseThrow(() -> new AssertionError(
                "redis-server is not on the PATH: the tests of several hosts run a real Redis. Install it as CI does "
                        + "(.ci/run: apt-get install redis-server), or add its directory to the PATH"));
        Files.createDirectories(PackagedCluster.LOG_DIR);
        Path logFile = PackagedCluster.LOG_DIR.resolve(name + "-redis.log").toAbsolutePath();
        Files.deleteIfExists(logFile);
        RedisServerProcess redis = new RedisServerProcess(executable, PackagedCluster.freePort(), logFile);
        redis.start();
        return redis;
    }

    private static Optional<Path> onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Starts it (again) on its port; waits at most 10 s until it answers PING. */
    void start() throws Exception {
        assertTrue(process == null || !process.isAlive(), "redis-server on port " + port + " is running already");
        List<String> command = new ArrayList<>(List.of(executable.toString(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", logFile.toString()));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                if ("PONG".equals(command("PING"))) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive()) {
                fail("redis-server exited with status " + process.exitValue() + " on port " + port + ": see " + logFile);
            }
            if (System.nanoTime() > deadline) {
                fail("redis-server does not answer PING on port " + port + " after 10 s: see " + logFile);
            }
            Thread.sleep(20);
        }
    }

    /** Stops it (SIGTERM: without persistence it saves nothing) and waits until it exited and its port is free. */
    void stop() throws Exception {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    int port() {
        return port;
    }

    /** Its address for the Quarkus Redis client and for node-redis. */
    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /**
     * One command over RESP on a connection of its own; the reply as text: a status or an error line, a bulk string,
     * an integer, or the elements of an array (one level) joined by spaces.
     */
    String command(String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            return reply(in);
        }
    }

    private static String reply(BufferedReader in) throws IOException {
        String line = in.readLine();
        if (line == null || line.isEmpty()) {
            throw new IOException("no reply from Redis");
        }
        return switch (line.charAt(0)) {
            case '+', '-', ':' -> line.substring(1);
            case '$' -> Integer.parseInt(line.substring(1)) < 0 ? null : in.readLine();
            case '*' -> {
                int count = Integer.parseInt(line.substring(1));
                List<String> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(reply(in));
                }
                yield String.join(" ", items);
            }
            default -> throw new IOException("unexpected reply from Redis: " + line);
        };
    }

    Path logFile() {
        return logFile;
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
