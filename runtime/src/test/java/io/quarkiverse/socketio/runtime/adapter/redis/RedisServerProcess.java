package io.quarkiverse.socketio.runtime.adapter.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of a test class's own, on a free loopback port, with nothing persisted; and a minimal RESP
 * client to ask it things (PUBSUB SHARDCHANNELS, SHARDNUMSUB) on a connection that subscribes to nothing, so it is not
 * counted as a server.
 * <p>
 * The tests need a real Redis 7: without {@code redis-server} on the {@code PATH} they fail, saying so, rather than
 * pass unchecked.
 */
final class RedisServerProcess implements AutoCloseable {

    final int port;
    private final Process process;
    private final Path log;

    private RedisServerProcess(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code redis-server} and waits until it answers PING. */
    static RedisServerProcess start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("redis-server-" + port + "-", ".log");
        Process process;
        try {
            process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("These tests need redis-server (Redis 7 or later, for sharded pub/sub) on the PATH"
                    + " (e.g. apt-get install redis-server): " + e.getMessage(), e);
        }
        RedisServerProcess server = new RedisServerProcess(port, process, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                if ("PONG".equals(server.command("PING"))) {
                    break;
                }
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    server.close();
                    throw new AssertionError("redis-server did not start on port " + port + ": "
                            + Files.readString(log), e);
                }
                Thread.sleep(20);
            }
        }
        String info = new String((byte[]) server.command("INFO", "server"), StandardCharsets.UTF_8);
        int at = info.indexOf("redis_version:");
        String version = at < 0 ? "?" : info.substring(at + 14, info.indexOf('\r', at));
        if (!version.matches("([7-9]|[1-9][0-9])\\..*")) {
            server.close();
            throw new AssertionError("These tests need Redis 7 or later (sharded pub/sub); redis-server is " + version);
        }
        return server;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** One command on a connection of its own: a String, Long, byte[] (bulk), List or {@code null}. */
    Object command(String... args) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            write(socket.getOutputStream(), args);
            return read(new BufferedInputStream(socket.getInputStream()));
        }
    }

    /** The shard channels with a subscriber (PUBSUB SHARDCHANNELS), sorted. */
    List<String> shardChannels() throws IOException {
        List<String> channels = new ArrayList<>();
        for (Object channel : (List<?>) command("PUBSUB", "SHARDCHANNELS")) {
            channels.add(new String((byte[]) channel, StandardCharsets.UTF_8));
        }
        channels.sort(null);
        return channels;
    }

    /** PUBSUB SHARDNUMSUB of one channel. */
    long shardSubscribers(String channel) throws IOException {
        return (Long) ((List<?>) command("PUBSUB", "SHARDNUMSUB", channel)).get(1);
    }

    static void write(OutputStream out, String... args) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            request.writeBytes(bytes);
            request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(request.toByteArray());
        out.flush();
    }

    static Object read(InputStream in) throws IOException {
        int kind = in.read();
        String line = new String(line(in), StandardCharsets.ISO_8859_1);
        switch (kind) {
            case '+':
                return line;
            case '-':
                throw new IOException("Redis error: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length);
                line(in);
                return bytes;
            }
            case '*': {
                int size = Integer.parseInt(line);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    items.add(read(in));
                }
                return items;
            }
            case -1:
                throw new EOFException();
            default:
                throw new IOException("Unexpected RESP type " + (char) kind);
        }
    }

    /** A line without its CRLF. */
    static byte[] line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException();
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return Arrays.copyOf(bytes, bytes.length - 1);
            }
            line.write(b);
            previous = b;
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(log);
    }
}
