package io.quarkiverse.socketio.runtime.adapter.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
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
 * A real {@code redis-server} for a test class, on a free loopback port, without persistence; started by the test and
 * stopped by it. A machine without {@code redis-server} fails the test with a message that says so.
 */
final class RedisServerProcess implements AutoCloseable {

    private final int port;
    private final Path log;
    private Process process;

    private RedisServerProcess(int port) throws IOException {
        this.port = port;
        this.log = Files.createTempFile("redis-" + port + "-", ".log");
    }

    static RedisServerProcess start() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        RedisServerProcess redis = new RedisServerProcess(port);
        redis.launch();
        return redis;
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    private void launch() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("These tests need a real Redis: 'redis-server' must be on the PATH (Debian: "
                    + "apt-get install redis-server). It could not be started: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                if ("+PONG".equals(command("PING"))) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("redis-server did not start on port " + port + ": "
                        + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    /** Kills the server at once (as a crash would: every connection drops, nothing is kept). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts the server again on the same port, empty. */
    void restart() throws Exception {
        launch();
    }

    /** One command in RESP, its reply's first line (enough for PING, DEL, and the like). */
    String command(String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(resp(args));
            return readLine(socket.getInputStream());
        }
    }

    /** One command whose reply is a bulk string: its text, or {@code null} for nil. */
    String bulk(String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(resp(args));
            InputStream in = socket.getInputStream();
            String head = readLine(in);
            if (!head.startsWith("$")) {
                throw new IOException("not a bulk reply: " + head);
            }
            int length = Integer.parseInt(head.substring(1));
            if (length < 0) {
                return null;
            }
            byte[] body = in.readNBytes(length);
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static byte[] resp(String... args) {
        StringBuilder out = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            out.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg)
                    .append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b == -1 && line.size() == 0) {
            throw new IOException("closed");
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** One command, its whole reply parsed: a String (simple), Long, byte[] (bulk), List or {@code null}. */
    Object reply(String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            write(socket.getOutputStream(), args);
            return read(new BufferedInputStream(socket.getInputStream()));
        }
    }

    /** The server's version ({@code INFO server}'s {@code redis_version}). */
    String version() throws IOException {
        String info = new String((byte[]) reply("INFO", "server"), StandardCharsets.UTF_8);
        int at = info.indexOf("redis_version:");
        return at < 0 ? "?" : info.substring(at + 14, info.indexOf('\r', at));
    }

    /** Fails the test unless the server is Redis 7 or later (sharded pub/sub). */
    RedisServerProcess requireRedis7() throws IOException {
        String version = version();
        if (!version.matches("([7-9]|[1-9][0-9])\\..*")) {
            throw new AssertionError("These tests need Redis 7 or later (sharded pub/sub); redis-server is " + version);
        }
        return this;
    }

    /** The shard channels with a subscriber (PUBSUB SHARDCHANNELS), sorted. */
    List<String> shardChannels() throws IOException {
        List<String> channels = new ArrayList<>();
        for (Object channel : (List<?>) reply("PUBSUB", "SHARDCHANNELS")) {
            channels.add(new String((byte[]) channel, StandardCharsets.UTF_8));
        }
        channels.sort(null);
        return channels;
    }

    /** PUBSUB SHARDNUMSUB of one channel: how many connections subscribe to it. */
    long shardSubscribers(String channel) throws IOException {
        return (Long) ((List<?>) reply("PUBSUB", "SHARDNUMSUB", channel)).get(1);
    }

    /** Writes a command in RESP. */
    static void write(OutputStream out, String... args) throws IOException {
        out.write(resp(args));
        out.flush();
    }

    /** One RESP reply: a String (simple), Long, byte[] (bulk), List or {@code null}; an error is thrown. */
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

    /** A line's bytes without its CRLF (a MONITOR line keeps every byte: Redis escapes CR and LF in it). */
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

    /** PUBLISH of a payload kept byte for byte (MessagePack too); the number of subscribers that got it. */
    long publish(String channel, byte[] payload) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] name = channel.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(("*3\r\n$7\r\nPUBLISH\r\n$" + name.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(name);
            out.writeBytes(("\r\n$" + payload.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(payload);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(out.toByteArray());
            return (Long) read(new BufferedInputStream(socket.getInputStream()));
        }
    }

    /**
     * A connection of its own subscribed to channels, as another server's subscriber is: Redis counts it in
     * {@code PUBSUB NUMSUB}, so that the adapters count one more server. What it receives is read and dropped.
     */
    Subscriber subscribe(String... channels) throws Exception {
        return new Subscriber(port, channels);
    }

    static final class Subscriber implements AutoCloseable {
        private final Socket socket;

        private Subscriber(int port, String... channels) throws Exception {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            String[] command = new String[channels.length + 1];
            command[0] = "SUBSCRIBE";
            System.arraycopy(channels, 0, command, 1, channels.length);
            write(socket.getOutputStream(), command);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < channels.length; i++) {
                read(in); // [subscribe, channel, count]
            }
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        read(in);
                    }
                } catch (IOException closed) {
                    // done
                }
            }, "redis-subscriber");
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Records every command Redis runs from now on ({@code MONITOR}): see {@link RedisMonitor}. */
    RedisMonitor monitor() throws IOException {
        return new RedisMonitor(this);
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            try {
                command("SHUTDOWN", "NOSAVE");
            } catch (IOException e) {
                // gone already
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        Files.deleteIfExists(log);
    }
}
