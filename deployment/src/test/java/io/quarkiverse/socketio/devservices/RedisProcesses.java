package io.quarkiverse.socketio.devservices;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * What the tests ask of the redis-server processes: which of this JVM's children are redis-server (their command is the
 * program on the PATH; Redis rewrites its command line), and which process a Redis client talks to.
 */
final class RedisProcesses {

    private RedisProcesses() {
    }

    /** The program {@code redis-server} runs as (on Debian a link to redis-check-rdb), as the kernel names it. */
    static Path program() {
        Path onPath = Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "redis-server")).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("redis-server is not on the PATH"));
        try {
            return onPath.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This JVM's children that run redis-server. */
    static List<ProcessHandle> children() {
        String program = program().toString();
        return ProcessHandle.current().children()
                .filter(p -> p.info().command().map(program::equals).orElse(false))
                .collect(Collectors.toList());
    }

    /** The child with this pid, if it is a redis-server child of this JVM. */
    static Optional<ProcessHandle> child(long pid) {
        return children().stream().filter(p -> p.pid() == pid).findFirst();
    }

    /** The process id of the Redis server this client talks to ({@code INFO server}). */
    static long serverPid(Redis redis) {
        String info = redis.send(Request.cmd(Command.INFO).arg("server")).toCompletionStage().toCompletableFuture()
                .orTimeout(Duration.ofSeconds(10).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).join()
                .toString();
        return Long.parseLong(info.lines().filter(l -> l.startsWith("process_id:")).findFirst()
                .orElseThrow(() -> new AssertionError("no process_id in " + info)).substring("process_id:".length())
                .trim());
    }
}
