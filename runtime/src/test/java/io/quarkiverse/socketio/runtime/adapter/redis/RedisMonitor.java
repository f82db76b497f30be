package io.quarkiverse.socketio.runtime.adapter.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.quarkiverse.socketio.runtime.server.TestClient;

/**
 * Every command Redis executes, as {@code MONITOR} shows it (how Node's golden captures were recorded), for every Redis
 * test: who sent it (the client's address: the tests tell servers, and a server's subscriber and publisher
 * connections, apart by it), its name and its arguments' exact bytes (Redis quotes them and escapes what is not
 * printable; this un-escapes), and a wait for commands to come. A MONITOR connection is not a subscriber: it changes no
 * count. Made by {@link RedisServerProcess#monitor()}; it ends when Redis does.
 */
final class RedisMonitor implements AutoCloseable {

    /** A command: {@code client} is the address of the connection that sent it. */
    record Command(String client, String name, List<byte[]> args) {

        String arg(int index) {
            return new String(args.get(index), StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(client).append(' ').append(name);
            for (int i = 0; i < args.size(); i++) {
                text.append(' ').append(arg(i));
            }
            return text.toString();
        }
    }

    private final RedisServerProcess redis;
    private final Socket socket;
    private final List<Command> commands = new CopyOnWriteArrayList<>();
    private final Thread reader;

    RedisMonitor(RedisServerProcess redis) throws IOException {
        this.redis = redis;
        socket = new Socket("127.0.0.1", redis.port());
        RedisServerProcess.write(socket.getOutputStream(), "MONITOR");
        InputStream in = new BufferedInputStream(socket.getInputStream());
        String ok = new String(RedisServerProcess.line(in), StandardCharsets.ISO_8859_1);
        if (!ok.equals("+OK")) {
            throw new IOException("MONITOR answered " + ok);
        }
        reader = new Thread(() -> {
            try {
                while (true) {
                    Command command = parse(RedisServerProcess.line(in));
                    if (command != null) {
                        commands.add(command);
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }, "redis-monitor");
        reader.setDaemon(true);
        reader.start();
    }

    /** The commands seen since the last {@link #clear()}. */
    List<Command> commands() {
        return List.copyOf(commands);
    }

    List<Command> commands(Predicate<Command> which) {
        return commands.stream().filter(which).toList();
    }

    /**
     * Forgets every command Redis executed before this call, also those the MONITOR stream has not brought yet: a
     * marker command goes through Redis, and everything up to it is dropped once it shows.
     */
    void clear() {
        String marker = "monitor-mark-" + UUID.randomUUID();
        Predicate<Command> isMarker = c -> c.name.equals("ECHO") && c.args.size() == 1 && c.arg(0).equals(marker);
        try {
            redis.command("ECHO", marker);
            await(isMarker, 1, "the mark of clear()");
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("MONITOR could not be cleared: " + e, e);
        }
        List<Command> seen = List.copyOf(commands);
        int upTo = 0;
        while (!isMarker.test(seen.get(upTo))) {
            upTo++;
        }
        commands.removeAll(seen.subList(0, upTo + 1));
    }

    /** Waits until {@code n} commands of the kind were seen, and returns them all. */
    List<Command> await(Predicate<Command> which, int n, String what) throws InterruptedException {
        try {
            TestClient.awaitCondition(() -> commands(which).size() >= n, "Redis executes " + n + " " + what);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; it executed " + commands(), e);
        }
        return commands(which);
    }

    static Predicate<Command> named(String... names) {
        return command -> {
            for (String name : names) {
                if (command.name.equalsIgnoreCase(name)) {
                    return true;
                }
            }
            return false;
        };
    }

    /**
     * {@code +<time> [<db> <address>] "<name>" "<arg>" ...}; in the quoted strings Redis escapes {@code \\ \" \n \r \t
     * \a \b} and writes any other byte that is not printable ASCII as {@code \xhh}.
     */
    static Command parse(byte[] line) {
        String text = new String(line, StandardCharsets.ISO_8859_1);
        int open = text.indexOf('[');
        int close = text.indexOf(']', open);
        if (!text.startsWith("+") || open < 0 || close < 0) {
            return null;
        }
        String client = text.substring(text.indexOf(' ', open) + 1, close);
        List<byte[]> parts = new ArrayList<>();
        int i = close + 1;
        while (i < text.length()) {
            if (text.charAt(i) != '"') {
                i++;
                continue;
            }
            ByteArrayOutputStream part = new ByteArrayOutputStream();
            i++;
            while (text.charAt(i) != '"') {
                char c = text.charAt(i);
                if (c != '\\') {
                    part.write(c);
                    i++;
                    continue;
                }
                char escaped = text.charAt(i + 1);
                switch (escaped) {
                    case 'n' -> part.write('\n');
                    case 'r' -> part.write('\r');
                    case 't' -> part.write('\t');
                    case 'a' -> part.write(7);
                    case 'b' -> part.write('\b');
                    case 'x' -> {
                        part.write(Integer.parseInt(text.substring(i + 2, i + 4), 16));
                        i += 2;
                    }
                    default -> part.write(escaped);
                }
                i += 2;
            }
            parts.add(part.toByteArray());
            i++;
        }
        if (parts.isEmpty()) {
            return null;
        }
        return new Command(client, new String(parts.get(0), StandardCharsets.UTF_8).toUpperCase(),
                List.copyOf(parts.subList(1, parts.size())));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
