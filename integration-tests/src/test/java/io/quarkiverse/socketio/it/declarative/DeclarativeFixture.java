package io.quarkiverse.socketio.it.declarative;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkiverse.socketio.ConnectionRejectedException;
import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.Middleware;
import io.quarkiverse.socketio.OnAnyEvent;
import io.quarkiverse.socketio.OnConnect;
import io.quarkiverse.socketio.OnDisconnect;
import io.quarkiverse.socketio.OnError;
import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkiverse.socketio.SocketIOAck;
import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.SocketIOSocket;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/**
 * Test namespace {@value #NAME}, written with the declarative model: one handler per parameter kind, per return kind
 * and per execution model; each answers in its acknowledgement what it received and on which thread it ran. Events
 * {@code seq-*} record their argument per socket, to check that the events of one socket are handled one after
 * another, in order.
 */
@SocketIO(namespace = DeclarativeFixture.NAME)
public class DeclarativeFixture {

    public static final String NAME = "/declarative";
    public static final String REJECTION = "declarative: not allowed";

    @Inject
    SocketIOServer io;

    /** socket id -> names of the events the catch-all handler saw, in order */
    private final Map<String, List<String>> anyEvents = new ConcurrentHashMap<>();
    /** socket id -> the reason it left */
    private final Map<String, CompletableFuture<DisconnectReason>> disconnects = new ConcurrentHashMap<>();
    /** socket id -> sequence name -> the numbers in the order the handler completed them */
    private final Map<String, Map<String, List<Integer>>> sequences = new ConcurrentHashMap<>();
    /** socket id -> how many times two handlers of the socket ran at the same time */
    private final Map<String, AtomicInteger> overlaps = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

    // ---- connection ----

    @Middleware
    void guard(Handshake handshake) {
        if ("wrong".equals(handshake.auth().path("token").asText())) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("code", 403);
            data.put("thread", Thread.currentThread().getName());
            throw new ConnectionRejectedException(REJECTION, data);
        }
    }

    @OnConnect
    void joined(SocketIOSocket socket, Handshake handshake) {
        socket.emit("welcome", handshake.auth(), socket.id(), Thread.currentThread().getName());
    }

    @OnAnyEvent
    void any(SocketIOEvent event, SocketIOSocket socket) {
        anyEvents.computeIfAbsent(socket.id(), id -> new CopyOnWriteArrayList<>()).add(event.name());
    }

    @OnDisconnect
    void left(DisconnectReason reason, SocketIOSocket socket) {
        disconnectOf(socket.id()).complete(reason);
    }

    // ---- parameters ----

    @OnEvent("record")
    Item record(Item item) {
        return new Item(item.name() + "!", item.qty() + 1);
    }

    @OnEvent("pojo")
    Note pojo(Note note) {
        note.setTitle(note.getTitle().toUpperCase());
        return note;
    }

    @OnEvent("generic")
    Map<String, Object> generic(List<Item> items, Map<String, List<Item>> groups, Order order) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("itemClass", items.get(0).getClass().getSimpleName());
        answer.put("total", items.stream().mapToInt(Item::qty).sum());
        answer.put("groupClass", groups.values().iterator().next().get(0).getClass().getSimpleName());
        answer.put("groups", groups.keySet());
        answer.put("orderItemClass", order.items().get(0).getClass().getSimpleName());
        answer.put("order", new Receipt(order.id(), order.items().size(),
                order.items().stream().map(Item::name).toList()));
        return answer;
    }

    @OnEvent("node")
    List<Object> node(JsonNode any, ObjectNode object, ArrayNode array) {
        return List.of(any, object.get("k"), array.size(), any.getNodeType().name());
    }

    @OnEvent("primitives")
    List<Object> primitives(int i, long l, double d, boolean b, Integer boxed, String s, char c, Long missingBox,
            int missing) {
        List<Object> values = new ArrayList<>();
        Collections.addAll(values, i, l, d, b, boxed, s, String.valueOf(c), missingBox, missing);
        return values;
    }

    @OnEvent("binary")
    byte[] binary(byte[] first, Buffer second) {
        return Buffer.buffer(first).appendBuffer(second).getBytes();
    }

    @OnEvent("several")
    String several(String a, SocketIOSocket socket, int b, Handshake handshake, SocketIOEvent event, Item c) {
        return a + "|" + b + "|" + c.name() + "|" + event.name() + "|" + (socket == event.socket()) + "|"
                + (handshake == socket.handshake());
    }

    @OnEvent("raw")
    void raw(SocketIOEvent event) {
        event.ack("raw", event.args().size(), event.hasAck());
    }

    @OnEvent("later")
    void later(String text, SocketIOAck ack) {
        CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)
                .execute(() -> ack.send(text.toUpperCase(), ack.requested()));
    }

    // ---- return values ----

    @OnEvent("void")
    void nothing() {
    }

    @OnEvent("uni")
    Uni<Receipt> uni(Order order) {
        return Uni.createFrom().item(new Receipt(order.id(), order.items().size(), List.of()))
                .onItem().delayIt().by(java.time.Duration.ofMillis(10));
    }

    @OnEvent("uni-void")
    Uni<Void> uniVoid() {
        return Uni.createFrom().voidItem().onItem().delayIt().by(java.time.Duration.ofMillis(10));
    }

    @OnEvent("cs")
    CompletionStage<Item> completionStage(Item item) {
        return CompletableFuture.supplyAsync(() -> new Item(item.name(), item.qty() * 2),
                CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS));
    }

    @OnEvent("null")
    String nullValue() {
        return null;
    }

    // ---- threads: each answers the name of the thread that called it, and whether it is virtual ----

    @OnEvent("thread-default")
    List<Object> threadDefault() {
        return thread();
    }

    @NonBlocking
    @OnEvent("thread-non-blocking")
    List<Object> threadNonBlocking() {
        return thread();
    }

    @OnEvent("thread-uni")
    Uni<List<Object>> threadUni() {
        return Uni.createFrom().item(thread());
    }

    @Blocking
    @OnEvent("thread-blocking-uni")
    Uni<List<Object>> threadBlockingUni() {
        return Uni.createFrom().item(thread());
    }

    @OnEvent("thread-completion-stage")
    CompletionStage<List<Object>> threadCompletionStage() {
        return CompletableFuture.completedFuture(thread());
    }

    @RunOnVirtualThread
    @OnEvent("thread-virtual")
    List<Object> threadVirtual() {
        return thread();
    }

    static List<Object> thread() {
        Thread thread = Thread.currentThread();
        // Thread.isVirtual() is Java 21; a virtual thread's toString starts with "VirtualThread"
        return List.of(thread.getName(), thread.toString().startsWith("VirtualThread"));
    }

    // ---- failures ----

    @OnEvent("fail")
    String fail(String kind) throws Exception {
        switch (kind) {
            case "argument" -> throw new IllegalArgumentException("bad argument");
            case "state" -> throw new IllegalStateException("bad state");
            case "checked" -> throw new java.io.IOException("bad io");
            default -> {
                return "no failure";
            }
        }
    }

    @OnEvent("fail-uni")
    Uni<String> failUni() {
        return Uni.createFrom().failure(new IllegalArgumentException("bad uni"));
    }

    @OnEvent("fail-completion-stage")
    CompletionStage<String> failCompletionStage() {
        return CompletableFuture.failedFuture(new IllegalStateException("bad stage"));
    }

    @OnError
    Map<String, String> onIllegalArgument(IllegalArgumentException failure, SocketIOSocket socket) {
        return Map.of("handler", "illegal-argument", "message", failure.getMessage(), "socket", socket.id());
    }

    @OnError
    Uni<Map<String, String>> onRuntime(SocketIOSocket socket, RuntimeException failure) {
        return Uni.createFrom().item(Map.of("handler", "runtime", "message", failure.getMessage()));
    }

    /** A void error handler: no acknowledgement. */
    @OnError
    void onAnyFailure(Throwable failure) {
    }

    // ---- ordering ----

    @OnEvent("seq-blocking")
    void seqBlocking(SocketIOSocket socket, int n) {
        enter(socket);
        try {
            if (ThreadLocalRandom.current().nextInt(10) == 0) {
                Thread.sleep(1);
            }
            sequence(socket, "blocking").add(n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exit(socket);
        }
    }

    @OnEvent("seq-uni")
    Uni<Void> seqUni(SocketIOSocket socket, int n) {
        enter(socket);
        Uni<Void> work = Uni.createFrom().voidItem();
        if (ThreadLocalRandom.current().nextInt(10) == 0) {
            work = work.onItem().delayIt().by(java.time.Duration.ofMillis(1));
        }
        return work.invoke(() -> {
            sequence(socket, "uni").add(n);
            exit(socket);
        });
    }

    @NonBlocking
    @OnEvent("seq-result")
    Map<String, Object> seqResult(SocketIOSocket socket, String name) {
        return Map.of("sequence", sequence(socket, name), "overlaps",
                overlaps.computeIfAbsent(socket.id(), id -> new AtomicInteger()).get());
    }

    private void enter(SocketIOSocket socket) {
        if (running.computeIfAbsent(socket.id(), id -> new AtomicInteger()).incrementAndGet() > 1) {
            overlaps.computeIfAbsent(socket.id(), id -> new AtomicInteger()).incrementAndGet();
        }
    }

    private void exit(SocketIOSocket socket) {
        running.get(socket.id()).decrementAndGet();
    }

    private List<Integer> sequence(SocketIOSocket socket, String name) {
        return sequences.computeIfAbsent(socket.id(), id -> new ConcurrentHashMap<>())
                .computeIfAbsent(name, n -> Collections.synchronizedList(new ArrayList<>()));
    }

    // ---- for the tests ----

    /** The names of the events the catch-all handler saw from this socket, in order. */
    public List<String> anyEvents(String socketId) {
        return List.copyOf(anyEvents.getOrDefault(socketId, List.of()));
    }

    /** Completed when the socket left, with the reason its @OnDisconnect handler received. */
    public CompletableFuture<DisconnectReason> disconnectOf(String socketId) {
        return disconnects.computeIfAbsent(socketId, id -> new CompletableFuture<>());
    }
}
