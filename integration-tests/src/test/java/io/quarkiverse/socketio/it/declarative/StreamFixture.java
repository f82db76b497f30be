package io.quarkiverse.socketio.it.declarative;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.quarkiverse.socketio.OnError;
import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIOSocket;
import io.smallrye.mutiny.Multi;

/**
 * Test namespace {@value #NAME}: handlers returning a {@code Multi}, streamed to the caller. Records the largest
 * demand the server made of a stream (one item at a time), the cancellations and the failures.
 */
@SocketIO(namespace = StreamFixture.NAME)
public class StreamFixture {

    public static final String NAME = "/streams";

    private final Map<String, CompletableFuture<Void>> cancelled = new ConcurrentHashMap<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicLong largestDemand = new AtomicLong();

    /** 0 to n - 1. */
    @OnEvent(value = "count", emit = "n")
    Multi<Integer> count(int n) {
        return Multi.createFrom().range(0, n);
    }

    /** 1, 2, then a failure. */
    @OnEvent(value = "fail", emit = "f")
    Multi<Integer> fail() {
        return Multi.createFrom().<Integer> emitter(emitter -> {
            emitter.emit(1);
            emitter.emit(2);
            emitter.fail(new IllegalStateException("stream failed"));
        });
    }

    /**
     * Three ticks, then nothing until cancelled, which is recorded per socket: silent, so that only the disconnection
     * can cancel it (not a failed write of a next item).
     */
    @OnEvent(value = "endless", emit = "tick")
    Multi<Long> endless(SocketIOSocket socket) {
        CompletableFuture<Void> done = cancelled.computeIfAbsent(socket.id(), id -> new CompletableFuture<>());
        return Multi.createBy().concatenating()
                .streams(Multi.createFrom().ticks().every(Duration.ofMillis(20)).select().first(3),
                        Multi.createFrom().<Long> nothing())
                .onCancellation().invoke(() -> done.complete(null));
    }

    /** n strings of 1000 characters, recording the largest demand of its subscriber. */
    @OnEvent(value = "big", emit = "chunk")
    Multi<String> big(int n) {
        return Multi.createFrom().range(0, n).map(i -> i + ":" + "x".repeat(1000))
                .onRequest().invoke(demand -> largestDemand.accumulateAndGet(demand, Math::max));
    }

    @OnError
    Map<String, String> failed(IllegalStateException failure, SocketIOEvent event) {
        failures.add(event.name() + ": " + failure.getMessage());
        return Map.of("handled", failure.getMessage());
    }

    public CompletableFuture<Void> cancelled(String socket) {
        return cancelled.computeIfAbsent(socket, id -> new CompletableFuture<>());
    }

    public List<String> failures() {
        return List.copyOf(failures);
    }

    public long largestDemand() {
        return largestDemand.get();
    }
}
