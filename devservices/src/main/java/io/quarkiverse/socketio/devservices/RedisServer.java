package io.quarkiverse.socketio.devservices;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.deployment.builditem.Startable;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * A {@code redis-server} child process for the Socket.IO Redis adapters in dev and test mode, so that they run against a
 * real Redis without Docker: on {@code 127.0.0.1} only, on a free port, without persistence, its output in a log file.
 * Dev Services starts it before the application and closes it when the application stops for good; a JVM shutdown hook
 * stops it too, for a JVM that exits without closing its Dev Services.
 * <p>
 * When quarkus-redis-client's own Dev Service already gave the client a Redis (a container), that one is used and no
 * process is started: see {@link #useExisting(String)}.
 */
final class RedisServer implements Startable {

    static final String EXECUTABLE = "redis-server";
    private static final Pattern VERSION = Pattern.compile("\\bv=(\\S+)");
    private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INFO_SERVER = "*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n".getBytes(StandardCharsets.US_ASCII);
    /** How often a free port that another process took first is tried again. */
    private static final int ATTEMPTS = 3;

    private final Path executable;
    private final int fixedPort;
    private final Path logFile;
    private final Duration startTimeout;

    // started by Dev Services on one thread, closed on another (the application's shutdown, a JVM shutdown hook)
    private volatile String existingHosts;
    private volatile Process process;
    private volatile Thread shutdownHook;
    private volatile int port;
    private volatile String version;

    /**
     * @param executable the program, {@code null} when none is on the {@code PATH} (then only an existing Redis will do)
     * @param fixedPort the port, or 0 for a free one
     * @param logFile where its output goes
     * @param startTimeout how long it may take to answer {@code PING}
     */
    RedisServer(Path executable, int fixedPort, Path logFile, Duration startTimeout) {
        this.executable = executable;
        this.fixedPort = fixedPort;
        this.logFile = logFile;
        this.startTimeout = startTimeout;
    }

    /** The {@code redis-server} program on this {@code PATH}, if any. */
    static Optional<Path> findOnPath(String path) {
        if (path == null) {
            return Optional.empty();
        }
        boolean windows = File.separatorChar == '\\';
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, windows ? EXECUTABLE + ".exe" : EXECUTABLE);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** What {@code redis-server --version} says its version is, {@code null} if it says nothing readable. */
    static String version(Path executable) {
        try {
            Process p = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            Matcher m = VERSION.matcher(new String(out, StandardCharsets.UTF_8));
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The one failure a developer may meet here: no Redis to start. Without a stack trace, the message says it all. */
    static ConfigurationException notFound(RedisAdapterChoice choice) {
        ConfigurationException e = new ConfigurationException("Dev Services for Socket.IO: " + RedisAdapterChoice.ADAPTER
                + "=" + choice.adapter() + " needs a Redis server, and " + EXECUTABLE + " is not on the PATH. Install "
                + "Redis (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis), or point "
                + choice.describeClient() + " at an existing Redis with " + choice.hostsProperty()
                + "=redis://host:6379, or turn this off with quarkus.socketio.devservices.enabled=false.");
        e.setStackTrace(new StackTraceElement[0]);
        return e;
    }

    /**
     * quarkus-redis-client's Dev Service started a Redis for the same client first: use it and start nothing, so that
     * the client's hosts have one value.
     */
    void useExisting(String hosts) {
        this.existingHosts = hosts;
    }

    boolean usesExisting() {
        return existingHosts != null;
    }

    @Override
    public void start() {
        if (existingHosts != null) {
            return;
        }
        if (executable == null) {
            throw new IllegalStateException(EXECUTABLE + " is not on the PATH");
        }
        try {
            Files.createDirectories(logFile.getParent());
            Files.write(logFile, new byte[0]);
            for (int attempt = 1;; attempt++) {
                port = fixedPort > 0 ? fixedPort : freePort();
                Process started = new ProcessBuilder(List.of(executable.toString(),
                        "--bind", "127.0.0.1", "--port", String.valueOf(port),
                        "--save", "", "--appendonly", "no",
                        "--dir", logFile.getParent().toString()))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .start();
                version = awaitReady(started);
                if (version != null) {
                    process = started;
                    break;
                }
                stop(started);
                if (fixedPort > 0 || attempt == ATTEMPTS) {
                    throw new IllegalStateException(EXECUTABLE + " did not answer PING on 127.0.0.1:" + port + " within "
                            + startTimeout.toSeconds() + " s; its log, " + logFile + ":\n" + tail(logFile));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not start " + executable + ": " + e.getMessage(), e);
        }
        Process started = process;
        shutdownHook = new Thread(() -> stop(started), "socketio-redis-dev-service-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Waits until the process answers {@code PING} and says, in {@code INFO server}, that it is the one answering (and
     * not another Redis that took the port first); returns its version, or {@code null} when it does not get there.
     */
    private String awaitReady(Process started) {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (System.nanoTime() < deadline && started.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                socket.setSoTimeout(2000);
                OutputStream out = socket.getOutputStream();
                InputStream in = new BufferedInputStream(socket.getInputStream());
                out.write(PING);
                out.flush();
                if ("+PONG".equals(readLine(in))) {
                    out.write(INFO_SERVER);
                    out.flush();
                    String info = readBulk(in);
                    String pid = infoField(info, "process_id");
                    if (!String.valueOf(started.pid()).equals(pid)) {
                        return null;
                    }
                    String v = infoField(info, "redis_version");
                    return v != null ? v : "";
                }
            } catch (IOException e) {
                // not listening yet, or loading
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static String readBulk(InputStream in) throws IOException {
        String header = readLine(in);
        if (!header.startsWith("$")) {
            return "";
        }
        byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)));
        readLine(in);
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String infoField(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Asks it to stop (SIGTERM: without persistence Redis exits at once), then insists. */
    private static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The value of the client's hosts property: this server, or the Redis found running. */
    String hosts() {
        return existingHosts != null ? existingHosts : "redis://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** The process id, -1 when no process was started. */
    long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    /** The version the server reported. */
    String reportedVersion() {
        return version;
    }

    Path logFile() {
        return logFile;
    }

    @Override
    public String getConnectionInfo() {
        return hosts();
    }

    @Override
    public String getContainerId() {
        return null;
    }

    @Override
    public void close() {
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook stops it, or has
        }
        stop(p);
    }
}
