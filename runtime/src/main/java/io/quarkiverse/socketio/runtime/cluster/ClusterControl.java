package io.quarkiverse.socketio.runtime.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The primary's control socket, and the command-line client that talks to it
 * ({@code java -jar quarkus-run.jar socketio <command>}).
 * <p>
 * The socket is {@code control.sock} in {@code <tmpdir>/socketio-cluster-<user>-<port>}, a directory only its owner
 * may enter; beside it, {@code control.secret} (owner-only too) holds a secret drawn at each launch, which a client
 * must send first. A client sends one line, {@code <secret> <command> [argument]}, and reads the answer: progress
 * lines, then {@code OK <result>} or {@code ERROR <reason>}. Commands: {@code status [--json]}, {@code reload},
 * {@code restart <worker>}, {@code scale <count>}, {@code logs}, {@code stop}.
 */
public final class ClusterControl implements AutoCloseable {

    /** The first argument that makes the application a command-line client of its running primary. */
    public static final String CLI_COMMAND = "socketio";

    private static final Logger LOG = Logger.getLogger(ClusterControl.class);
    private static final String SOCKET = "control.sock";
    private static final String SECRET = "control.secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final byte[] secret;
    private final ServerSocketChannel server;
    private final ClusterPrimary primary;
    private volatile boolean closed;

    private ClusterControl(Path directory, byte[] secret, ServerSocketChannel server, ClusterPrimary primary) {
        this.directory = directory;
        this.secret = secret;
        this.server = server;
        this.primary = primary;
    }

    /** The control directory of the primary serving {@code port}, for this user. */
    public static Path directory(int port) {
        return Path.of(System.getProperty("java.io.tmpdir"),
                "socketio-cluster-" + System.getProperty("user.name", "user") + "-" + port);
    }

    /** Opens the control socket in {@code directory} (created owner-only, or checked to be). */
    static ClusterControl listen(Path directory, ClusterPrimary primary) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
        if (!permissions.equals(PosixFilePermissions.fromString("rwx------"))
                || !Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS).getName()
                        .equals(System.getProperty("user.name"))) {
            throw new IOException(directory + " must be a directory of this user with permissions rwx------");
        }
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        byte[] encoded = Base64.getUrlEncoder().withoutPadding().encode(secret);
        Path secretFile = directory.resolve(SECRET);
        Files.deleteIfExists(secretFile);
        Files.createFile(secretFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(secretFile, encoded);
        // a socket left by a primary that was killed: this one owns the port now
        Files.deleteIfExists(directory.resolve(SOCKET));
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(directory.resolve(SOCKET)));
        ClusterControl control = new ClusterControl(directory, encoded, server, primary);
        Thread acceptor = new Thread(control::accept, "socketio-cluster-control");
        acceptor.setDaemon(true);
        acceptor.start();
        return control;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
            Files.deleteIfExists(directory.resolve(SOCKET));
            Files.deleteIfExists(directory.resolve(SECRET));
        } catch (IOException e) {
            LOG.debugf("Closing the control socket: %s", e.getMessage());
        }
    }

    private void accept() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                Thread session = new Thread(() -> serve(client), "socketio-cluster-control-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.errorf("The cluster control socket stopped accepting: %s", e.getMessage());
                }
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client;
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                        StandardCharsets.UTF_8));
                PrintStream out = new PrintStream(Channels.newOutputStream(client), true, StandardCharsets.UTF_8)) {
            String line = in.readLine();
            if (line == null) {
                return;
            }
            String[] words = line.trim().split("\\s+");
            if (words.length < 2 || !MessageDigest.isEqual(words[0].getBytes(StandardCharsets.UTF_8), secret)) {
                LOG.warn("Refused a command on the cluster control socket: no valid secret");
                out.println("ERROR refused: this is not the cluster's secret");
                return;
            }
            try {
                out.println("OK " + execute(words, out::println));
            } catch (Exception e) {
                out.println("ERROR " + e.getMessage());
            }
        } catch (IOException e) {
            LOG.debugf("Control session ended: %s", e.getMessage());
        }
    }

    private String execute(String[] words, Consumer<String> progress) throws Exception {
        String command = words[1].toLowerCase(Locale.ROOT);
        switch (command) {
            case "status":
                List<ClusterPrimary.WorkerStatus> rows = primary.status();
                if (words.length > 2 && words[2].equals("--json")) {
                    return JSON.writeValueAsString(rows);
                }
                progress.accept(String.format("%-7s %-8s %-9s %9s %9s %8s %10s %9s %4s", "WORKER", "PID", "STATE",
                        "UPTIME", "RESTARTS", "SOCKETS", "RSS", "CPU", "GEN"));
                for (ClusterPrimary.WorkerStatus row : rows) {
                    progress.accept(String.format("%-7d %-8s %-9s %8ds %9d %8d %7d MB %8.1fs %4d", row.index(),
                            row.pid() < 0 ? "-" : Long.toString(row.pid()), row.state().name().toLowerCase(Locale.ROOT),
                            row.uptimeMillis() / 1000, row.restarts(), row.sockets(), row.rssKb() / 1024,
                            row.cpuMillis() / 1000.0, row.generation()));
                }
                return rows.size() + " workers, configuration generation " + primary.generation();
            case "reload":
                primary.reload(progress);
                return "reloaded";
            case "restart":
                primary.restart(number(words, "restart <worker>"), progress);
                return "restarted worker " + words[2];
            case "scale":
                int count = number(words, "scale <count>");
                primary.scale(count, progress);
                return "scaled to " + count;
            case "logs":
                primary.logs().forEach(progress);
                return "end of logs";
            case "stop":
                primary.stop();
                return "stopping: the workers drain, then the primary exits";
            default:
                throw new IllegalArgumentException("Unknown command '" + words[1]
                        + "': status [--json], reload, restart <worker>, scale <count>, logs, stop");
        }
    }

    private static int number(String[] words, String usage) {
        try {
            return Integer.parseInt(words[2]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("usage: " + usage);
        }
    }

    /**
     * The command-line client: sends {@code arguments} (after {@value #CLI_COMMAND}) to the primary serving
     * {@code port} and prints its answer.
     *
     * @return the process status: 0 when the command succeeded, 1 when it failed, 2 when no primary answers
     */
    public static int runClient(int port, List<String> arguments, OutputStream output) {
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        if (arguments.isEmpty()) {
            out.println("usage: " + CLI_COMMAND + " status [--json] | reload | restart <worker> | scale <count> | logs"
                    + " | stop");
            return 2;
        }
        Path directory = directory(port);
        String secret;
        try {
            secret = Files.readString(directory.resolve(SECRET), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            out.println("No Socket.IO cluster primary of this user serves port " + port + " (" + e.getMessage() + ")");
            return 2;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(directory.resolve(SOCKET)));
            PrintStream request = new PrintStream(Channels.newOutputStream(channel), true, StandardCharsets.UTF_8);
            request.println(secret + " " + String.join(" ", arguments));
            BufferedReader answer = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            String line;
            int status = 1;
            while ((line = answer.readLine()) != null) {
                if (line.startsWith("OK ")) {
                    out.println(line.substring(3));
                    status = 0;
                } else if (line.startsWith("ERROR ")) {
                    out.println("error: " + line.substring(6));
                    status = 1;
                } else {
                    out.println(line);
                }
            }
            return status;
        } catch (IOException e) {
            out.println("The Socket.IO cluster primary on port " + port + " does not answer: " + e.getMessage());
            return 2;
        }
    }
}
