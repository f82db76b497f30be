package io.quarkiverse.socketio.it.support;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.quarkiverse.socketio.it.support.JavaClients.ClientTransport;
import io.socket.client.Ack;
import io.socket.client.Socket;

/**
 * Two other clients, one over polling and one over WebSocket (official Java client), connected to {@code /} while a
 * test misbehaves on its own connection. Each one sends {@code message-with-ack} again and again (the next one once
 * the previous ack arrived) and checks that the ack carries its own arguments back.
 */
public final class Bystanders implements AutoCloseable {

    private final List<Bystander> bystanders = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "bystanders");
        thread.setDaemon(true);
        return thread;
    });

    public static Bystanders start(URI base) throws Exception {
        Bystanders bystanders = new Bystanders();
        try {
            for (ClientTransport transport : new ClientTransport[] { ClientTransport.POLLING, ClientTransport.WEBSOCKET }) {
                bystanders.bystanders.add(bystanders.new Bystander(base, transport));
            }
        } catch (Exception | AssertionError e) {
            bystanders.close();
            throw e;
        }
        return bystanders;
    }

    /**
     * Asserts that both bystanders are still connected, never got a wrong ack, and get at least three more acks
     * from now on (within {@link JavaClients#STEP}).
     */
    public void assertStillExchanging() throws InterruptedException {
        for (Bystander bystander : bystanders) {
            bystander.assertHealthy();
            int from = bystander.acks.get();
            JavaClients.awaitCondition(() -> bystander.acks.get() >= from + 3 || bystander.problem.get() != null,
                    "3 more acks for the " + bystander.transport + " bystander (it had " + from + ")");
            bystander.assertHealthy();
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        for (Bystander bystander : bystanders) {
            bystander.socket.off();
            bystander.socket.close();
        }
    }

    private final class Bystander {
        final ClientTransport transport;
        final Socket socket;
        final AtomicInteger acks = new AtomicInteger();
        final AtomicReference<String> problem = new AtomicReference<>();

        Bystander(URI base, ClientTransport transport) throws Exception {
            this.transport = transport;
            this.socket = JavaClients.socket(base, "/", transport, null);
            socket.on(Socket.EVENT_DISCONNECT, args -> problem.compareAndSet(null, "disconnected: " + args[0]));
            JavaClients.connect(socket);
            send(0);
        }

        void send(int sequence) {
            String name = "bystander-" + transport;
            socket.emit("message-with-ack", new Object[] { name, sequence }, (Ack) args -> {
                if (args.length != 2 || !name.equals(args[0]) || !Integer.valueOf(sequence).equals(args[1])) {
                    problem.compareAndSet(null, "wrong ack for #" + sequence + ": " + JavaClients.normalize(args));
                    return;
                }
                acks.incrementAndGet();
                try {
                    scheduler.schedule(() -> send(sequence + 1), 20, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closing) {
                    // the test is over
                }
            });
        }

        void assertHealthy() {
            String trouble = problem.get();
            if (trouble != null) {
                throw new AssertionError("the " + transport + " bystander was affected: " + trouble);
            }
            if (!socket.connected()) {
                throw new AssertionError("the " + transport + " bystander is no longer connected");
            }
        }
    }
}
