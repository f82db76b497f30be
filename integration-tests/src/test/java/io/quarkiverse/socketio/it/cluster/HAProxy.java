package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HAProxy from Debian's package ({@code /usr/sbin/haproxy}, or {@code -Dhaproxy.executable}) in front of packaged
 * clusters, run in the foreground ({@code -db}) on a free port of 127.0.0.1, with its configuration and output in
 * {@code target/cluster-it/} (its log has one line per request, with the {@code io} cookie the client sent) and its
 * admin socket in a private temporary directory. The stickiness part of the configuration is not written here: it is
 * read from the recipe in {@code docs/modules/ROOT/pages/multi-host.adoc} (its {@code defaults} and
 * {@code backend socketio_hosts} sections, servers pointed at the clusters), so the test runs what the docs say.
 * {@link #close()} kills it.
 */
final class HAProxy implements AutoCloseable {

    static final Path EXECUTABLE = Path.of(System.getProperty("haproxy.executable", "/usr/sbin/haproxy"));
    static final Path RECIPE = Path.of("..", "docs", "modules", "ROOT", "pages", "multi-host.adoc");
    static final String BACKEND = "socketio_hosts";

    private static final Pattern SERVER = Pattern.compile("^(\\s*server\\s+\\S+\\s+)(\\S+:\\d+)(.*)$");
    private static final Pattern TABLE_USED = Pattern.compile("used:(\\d+)");
    private static final Pattern TABLE_ENTRY = Pattern.compile("key=(\\S+) .*server_id=(\\d+)");

    private final String name;
    private final String config;
    private final Path configFile;
    private final Path firstLogFile;
    private final Path adminSocket;
    private final int port;
    private Process process;
    private Path logFile;
    private int launches;

    private HAProxy(String name, String config, Path configFile, Path logFile, Path adminSocket, int port) {
        this.name = name;
        this.config = config;
        this.configFile = configFile;
        this.firstLogFile = logFile;
        this.logFile = logFile;
        this.adminSocket = adminSocket;
        this.port = port;
    }

    /** Fails, saying how to get it, when HAProxy is not installed. */
    static void requireInstalled() {
        if (!Files.isExecutable(EXECUTABLE)) {
            fail(EXECUTABLE + " is missing: the multi-host tests run HAProxy from Debian's package in front of two "
                    + "clusters. .ci/run installs it (apt-get install -y --no-install-recommends haproxy); elsewhere, "
                    + "install it or point -Dhaproxy.executable at an haproxy binary.");
        }
    }

    /**
     * The recipe's {@code defaults} and {@code backend socketio_hosts} sections, from the {@code haproxy} listing of
     * {@code docs/modules/ROOT/pages/multi-host.adoc} that holds the backend, with the servers, in order, at 127.0.0.1
     * and these ports.
     */
    static String recipe(List<Integer> serverPorts) throws IOException {
        List<String> block = null;
        List<String> current = null;
        boolean haproxySource = false;
        for (String line : Files.readAllLines(RECIPE, StandardCharsets.UTF_8)) {
            // an AsciiDoc listing: [source,haproxy], then the block between two ---- lines
            if (current == null && line.trim().equals("[source,haproxy]")) {
                haproxySource = true;
            } else if (current == null && haproxySource && line.trim().equals("----")) {
                current = new ArrayList<>();
                haproxySource = false;
            } else if (current != null && line.trim().equals("----")) {
                if (current.stream().anyMatch(l -> l.trim().equals("backend " + BACKEND))) {
                    block = current;
                    break;
                }
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        assertTrue(block != null, RECIPE.toAbsolutePath() + " has no [source,haproxy] listing with 'backend " + BACKEND + "'");
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> section = null;
        for (String line : block) {
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#")) {
                section = new ArrayList<>();
                sections.put(line.trim(), section);
            }
            if (section != null) {
                section.add(line);
            }
        }
        List<String> defaults = sections.get("defaults");
        List<String> backend = sections.get("backend " + BACKEND);
        assertTrue(defaults != null && backend != null, "the recipe's block has a 'defaults' and a 'backend " + BACKEND
                + "' section: " + sections.keySet());
        StringBuilder out = new StringBuilder();
        defaults.forEach(l -> out.append(l).append('\n'));
        int servers = 0;
        for (String line : backend) {
            Matcher server = SERVER.matcher(line);
            if (server.matches()) {
                assertTrue(servers < serverPorts.size(), "more servers in the recipe than hosts: " + line);
                line = server.group(1) + "127.0.0.1:" + serverPorts.get(servers++) + server.group(3);
            }
            out.append(line).append('\n');
        }
        assertEquals(serverPorts.size(), servers, "servers in the recipe's backend");
        return out.toString();
    }

    /** Writes the configuration (a global section, a frontend on a free port, then {@code recipe}) and starts. */
    static HAProxy start(String name, String recipe) throws Exception {
        requireInstalled();
        Files.createDirectories(PackagedCluster.LOG_DIR);
        int port = PackagedCluster.freePort();
        // a short path: a Unix socket's path has at most 107 bytes
        Path adminDir = Files.createTempDirectory("haproxy-");
        Path adminSocket = adminDir.resolve("admin.sock");
        String config = "# written by " + name + " (src/test/java/.../it/cluster/HAProxy.java)\n"
                + "global\n"
                + "    log stdout format raw local0\n"
                + "    maxconn 4096\n"
                + "    stats socket " + adminSocket + " mode 600 level admin\n"
                + "\n"
                + recipe
                + "\n"
                + "frontend public\n"
                + "    bind 127.0.0.1:" + port + "\n"
                + "    http-request del-header X-Forwarded-For\n"
                + "    option forwardfor\n"
                + "    http-request capture req.cook(io) len 48\n" // in the log: {the io cookie the client sent}, or {}
                + "    default_backend " + BACKEND + "\n";
        Path configFile = PackagedCluster.LOG_DIR.resolve(name + "-haproxy.cfg").toAbsolutePath();
        Files.writeString(configFile, config, StandardCharsets.UTF_8);
        Path logFile = PackagedCluster.LOG_DIR.resolve(name + "-haproxy.log").toAbsolutePath();
        Process check = new ProcessBuilder(EXECUTABLE.toString(), "-c", "-f", configFile.toString())
                .redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0,
                "haproxy -c -f " + configFile + ":\n" + checked);
        HAProxy haproxy = new HAProxy(name, config, configFile, logFile, adminSocket, port);
        haproxy.launch();
        return haproxy;
    }

    private void launch() throws Exception {
        // a log file per launch: HAProxy makes its standard output non-blocking, which clears O_APPEND, so a second
        // process appending to the first one's file would write over it from the start
        logFile = launches++ == 0 ? firstLogFile
                : firstLogFile.resolveSibling(firstLogFile.getFileName().toString().replace(".log",
                        "-" + launches + ".log"));
        process = new ProcessBuilder(EXECUTABLE.toString(), "-db", "-f", configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            if (!process.isAlive()) {
                fail("haproxy exited (status " + process.exitValue() + ") at its start" + describe());
            }
            if (Files.exists(adminSocket)) { // served once the listeners are bound
                try {
                    command("show info");
                    return;
                } catch (IOException e) {
                    // the admin socket is not served yet
                }
            }
            if (System.nanoTime() > deadline) {
                fail("haproxy does not listen on 127.0.0.1:" + port + " after 15 s" + describe());
            }
            Thread.sleep(50);
        }
    }

    /**
     * Kills HAProxy and starts it again with the same configuration and port: what a restart (or a reload without a
     * {@code peers} section) does to the stick table: it starts empty.
     */
    void restart() throws Exception {
        stop();
        Files.deleteIfExists(adminSocket);
        launch();
    }

    java.net.URI uri() {
        return java.net.URI.create("http://127.0.0.1:" + port);
    }

    String config() {
        return config;
    }

    /** A command on the admin socket, and its whole answer. */
    String command(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(adminSocket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) >= 0) {
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    /** How many entries the backend's stick table holds. */
    int tableSize() throws IOException {
        String answer = command("show table " + BACKEND);
        Matcher used = TABLE_USED.matcher(answer);
        assertTrue(used.find(), "show table " + BACKEND + ": " + answer);
        return Integer.parseInt(used.group(1));
    }

    /** The server id ({@code 1} for the first server line, ...) the stick table holds for a sid, or -1. */
    int tableServer(String sid) throws IOException {
        String answer = command("show table " + BACKEND + " key " + sid);
        for (String line : answer.split("\n")) {
            Matcher entry = TABLE_ENTRY.matcher(line);
            if (entry.find() && entry.group(1).equals(sid)) {
                return Integer.parseInt(entry.group(2));
            }
        }
        return -1;
    }

    /**
     * The status HAProxy gives a server of the backend now ({@code UP}, {@code DOWN}, {@code UP 1/3} while checks
     * fail, {@code DOWN 1/2} while they pass again...), from {@code show stat}.
     */
    String serverStatus(String server) throws IOException {
        String[] lines = command("show stat").split("\n");
        List<String> header = List.of(lines[0].replaceFirst("^# ", "").split(","));
        int status = header.indexOf("status");
        assertTrue(status > 1, "show stat has a status column: " + lines[0]);
        for (String line : lines) {
            String[] fields = line.split(",", -1);
            if (fields.length > status && fields[0].equals(BACKEND) && fields[1].equals(server)) {
                return fields[status];
            }
        }
        throw new AssertionError("show stat has no server " + server + " in " + BACKEND + ":\n" + String.join("\n",
                lines));
    }

    /**
     * How many requests one of the hosts answered with {@code status}, in HAProxy's log of its current process (one
     * {@code option httplog} line per request, written when the request ends).
     */
    long answered(int status) throws IOException {
        return logLines(Pattern.compile(" " + BACKEND + "/\\S+ \\S+ " + status + " "));
    }

    /** How many lines of HAProxy's log (of its current process) {@code pattern} finds something in. */
    long logLines(Pattern pattern) throws IOException {
        try (java.util.stream.Stream<String> lines = Files.lines(logFile, StandardCharsets.UTF_8)) {
            return lines.filter(l -> pattern.matcher(l).find()).count();
        }
    }

    String describe() {
        String log;
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            log = String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            log = e.toString();
        }
        return "\n--- " + logFile + " (last lines)\n" + log + "\n--- " + configFile;
    }

    private void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Files.deleteIfExists(adminSocket);
            Files.deleteIfExists(adminSocket.getParent());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }

    @Override
    public String toString() {
        return name + " on " + uri();
    }
}
