package io.quarkiverse.socketio.runtime.cluster.primary;

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
import java.util.Set;

import org.jboss.logging.Logger;

import io.quarkiverse.socketio.runtime.cluster.ClusterOperations;
import io.quarkiverse.socketio.runtime.cluster.OperatorCommand;

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

    private static final Logger LOG = Logger.getLogger(ClusterControl.class);
    private static final String SOCKET = "control.sock";
    private static final String SECRET = "control.secret";

    private final Path directory;
    private final byte[] secret;
    private final ServerSocketChannel server;
    private final ClusterOperations cluster;
    private volatile boolean closed;

    private ClusterControl(Path directory, byte[] secret, ServerSocketChannel server, ClusterOperations cluster) {
        this.directory = directory;
        this.secret = secret;
        this.server = server;
        this.cluster = cluster;
    }

    /** The control directory of the primary serving {@code port}, for this user. */
    public static Path directory(int port) {
        return Path.of(System.getProperty("java.io.tmpdir"),
                "socketio-cluster-" + System.getProperty("user.name", "user") + "-" + port);
    }

    /** Opens the control socket in {@code directory} (created owner-only, or checked to be). */
    static ClusterControl listen(Path directory, ClusterOperations cluster) throws IOException {
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
        ClusterControl control = new ClusterControl(directory, encoded, server, cluster);
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
            List<String> words = List.of(line.trim().split("\\s+"));
            if (words.size() < 2 || !MessageDigest.isEqual(words.get(0).getBytes(StandardCharsets.UTF_8), secret)) {
                LOG.warn("Refused a command on the cluster control socket: no valid secret");
                out.println("ERROR refused: this is not the cluster's secret");
                return;
            }
            try {
                out.println("OK " + OperatorCommand.parse(words.subList(1, words.size())).run(cluster, out::println));
            } catch (Exception e) {
                out.println("ERROR " + e.getMessage());
            }
        } catch (IOException e) {
            LOG.debugf("Control session ended: %s", e.getMessage());
        }
    }

    /**
     * The command-line client: sends {@code arguments} (after {@value OperatorCommand#CLI_COMMAND}) to the primary
     * serving {@code port} and prints its answer.
     *
     * @return the process status: 0 when the command succeeded, 1 when it failed, 2 when the command is not one or no
     *         primary answers
     */
    public static int runClient(int port, List<String> arguments, OutputStream output) {
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        OperatorCommand command;
        try {
            command = OperatorCommand.parse(arguments);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
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
            request.println(secret + " " + String.join(" ", command.words()));
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
