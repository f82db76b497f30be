package io.quarkiverse.socketio.runtime.cluster.primary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterLink;
import io.quarkiverse.socketio.runtime.cluster.WorkerEnvironment;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterFrame;
import io.quarkiverse.socketio.runtime.cluster.wire.ControlMessage;
import io.quarkiverse.socketio.runtime.cluster.worker.WorkerLink;
import io.quarkiverse.socketio.runtime.server.TestClient;

/**
 * The primary's relay over a real Unix domain socket, with real worker links in this JVM: who may join, what is
 * forwarded to whom, and what a bad peer costs (its own link, nothing else).
 */
class ClusterRelayTest {

    private static final Duration JOIN = Duration.ofSeconds(5);

    ClusterRelay relay;
    final List<String> relayEvents = new CopyOnWriteArrayList<>();
    final CountDownLatch linkLost = new CountDownLatch(1);

    @BeforeEach
    void open() throws IOException {
        relay = ClusterRelay.open(new ClusterRelay.Events() {
            @Override
            public void onReady(int node) {
                relayEvents.add("ready " + node);
            }

            @Override
            public void onLinkClosed(int node) {
                relayEvents.add("closed " + node);
            }
        });
    }

    @AfterEach
    void close() {
        relay.close();
    }

    WorkerLink join(int node, Recorder recorder) {
        relay.expect(node);
        WorkerLink link = WorkerLink.connect(
                new WorkerEnvironment(node, node, relay.socketPath().toString(), relay.secret(), 0), JOIN,
                linkLost::countDown);
        link.listener(recorder);
        return link;
    }

    @Test
    void channelIsInAnOwnerOnlyDirectory() throws IOException {
        assertEquals("rwx------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(relay.socketPath().getParent())));
    }

    @Test
    void readyWorkersLearnOfEachOtherAndFramesReachOnlyTheirTargets() throws Exception {
        Recorder one = new Recorder();
        Recorder two = new Recorder();
        Recorder three = new Recorder();
        WorkerLink[] links = twoReadyWorkers(one, two);
        WorkerLink link1 = links[0];
        WorkerLink link2 = links[1];
        assertEquals(Set.of(2), link1.liveNodes());
        assertEquals(Set.of(1), link2.liveNodes());
        WorkerLink link3 = join(3, three);
        assertEquals(Set.of(1, 2), link3.liveNodes(), "a worker that joins late learns who serves from WELCOME");

        // to all: every other ready node gets the very bytes; node 3 is not ready yet
        byte[] toAll = ClusterFrame.encode(ClusterFrame.Kind.ADAPTER, 1, ClusterFrame.ALL,
                "broadcast".getBytes(StandardCharsets.UTF_8));
        link1.publish(toAll);
        assertArrayEquals(toAll, two.frames.poll(5, TimeUnit.SECONDS));

        // to one: a response reaches the requester only, ready or not
        byte[] response = ClusterFrame.encode(ClusterFrame.Kind.ADAPTER, 2, 3,
                "response".getBytes(StandardCharsets.UTF_8));
        link2.send(3, response);
        assertArrayEquals(response, three.frames.poll(5, TimeUnit.SECONDS));
        assertEquals(null, one.frames.poll(300, TimeUnit.MILLISECONDS), "node 1 got nothing it was not sent");
        assertEquals(null, three.frames.poll(10, TimeUnit.MILLISECONDS), "node 3 was not ready for the broadcast");

        link3.ready();
        TestClient.awaitCondition(() -> one.joined.contains(3) && two.joined.contains(3),
                "3 is announced when ready");
        // the relay tells the primary after it told the workers
        TestClient.awaitCondition(() -> relayEvents.contains("ready 3"), "the primary is told");
        assertEquals(Set.of("ready 1", "ready 2", "ready 3"), Set.copyOf(relayEvents));
        link1.close();
        link2.close();
        link3.close();
    }

    /** Workers 1 and 2, ready, each knowing the other. */
    WorkerLink[] twoReadyWorkers(Recorder one, Recorder two) throws InterruptedException {
        WorkerLink link1 = join(1, one);
        WorkerLink link2 = join(2, two);
        link1.ready();
        link2.ready();
        TestClient.awaitCondition(() -> link1.liveNodes().contains(2) && link2.liveNodes().contains(1),
                "workers 1 and 2 serve");
        return new WorkerLink[] { link1, link2 };
    }

    @Test
    void garbageFromAWorkerClosesOnlyItsLink() throws Exception {
        Recorder one = new Recorder();
        Recorder two = new Recorder();
        WorkerLink[] links = twoReadyWorkers(one, two);
        WorkerLink link1 = links[0];
        WorkerLink link2 = links[1];

        byte[] garbage = ClusterFrame.encode(ClusterFrame.Kind.ADAPTER, 1, ClusterFrame.ALL, new byte[] { 1, 2, 3 });
        garbage[4] = 99; // version
        link1.publish(garbage);

        assertTrue(linkLost.await(5, TimeUnit.SECONDS), "the misbehaving worker is told its link is gone");
        TestClient.awaitCondition(() -> two.left.contains(1), "the other worker is told node 1 left");
        TestClient.awaitCondition(() -> relayEvents.contains("closed 1"), "the primary is told");
        assertTrue(link2.isOpen());
        byte[] stillWorks = ClusterFrame.encode(ClusterFrame.Kind.ADAPTER, 2, ClusterFrame.ALL, new byte[] { 7 });
        link2.publish(stillWorks);
        assertEquals(null, one.frames.poll(300, TimeUnit.MILLISECONDS), "nothing reaches a closed link");
        link2.close();
    }

    @Test
    void aWorkerMayNotSpeakForAnotherNode() throws Exception {
        Recorder two = new Recorder();
        WorkerLink[] links = twoReadyWorkers(new Recorder(), two);
        WorkerLink link1 = links[0];
        WorkerLink link2 = links[1];
        link1.publish(ClusterFrame.encode(ClusterFrame.Kind.ADAPTER, 2, ClusterFrame.ALL, new byte[] { 1 }));
        assertTrue(linkLost.await(5, TimeUnit.SECONDS), "a frame with another node's source closes the link");
        assertEquals(null, two.frames.poll(300, TimeUnit.MILLISECONDS), "the spoofed frame was not forwarded");
        link2.close();
    }

    @Test
    void strangersAreRefused() throws Exception {
        // garbage
        assertClosedByRelay(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        // a well-formed HELLO with the wrong secret
        relay.expect(5);
        assertClosedByRelay(ByteBuffer.wrap(ControlMessage.frame(ControlMessage.hello("not-the-secret"), 5,
                ClusterFrame.RELAY)));
        // the right secret for a node that was never launched
        assertClosedByRelay(ByteBuffer.wrap(ControlMessage.frame(ControlMessage.hello(relay.secret()), 9,
                ClusterFrame.RELAY)));
        // and the launched node can still join
        WorkerLink link = join(6, new Recorder());
        assertTrue(link.isOpen());
        link.close();
        assertFalse(relayEvents.contains("ready 5"));
    }

    @Test
    void aNodeJoinsOnlyOnce() throws Exception {
        join(1, new Recorder());
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> WorkerLink.connect(new WorkerEnvironment(1, 1, relay.socketPath().toString(), relay.secret(), 0),
                        JOIN, () -> {
                        }));
        assertTrue(refused.getMessage().contains("did not accept worker 1"), refused.getMessage());
    }

    private void assertClosedByRelay(ByteBuffer bytes) throws Exception {
        try (SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.connect(UnixDomainSocketAddress.of(relay.socketPath()));
            socket.write(bytes);
            Future<Integer> read = Executors.newSingleThreadExecutor().submit(() -> {
                ByteBuffer in = ByteBuffer.allocate(1024);
                int total = 0;
                while (true) {
                    int n = socket.read(in);
                    if (n < 0) {
                        return total;
                    }
                    total += n;
                    in.clear();
                }
            });
            assertEquals(0, read.get(3, TimeUnit.SECONDS), "closed without an answer");
        }
    }

    /** What a worker's link delivered. */
    static final class Recorder implements ClusterLink.Listener {
        final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
        final Set<Integer> joined = ConcurrentHashMap.newKeySet();
        final Set<Integer> left = ConcurrentHashMap.newKeySet();

        @Override
        public void onFrame(byte[] frame) {
            frames.add(frame);
        }

        @Override
        public void onNodeJoined(int node) {
            joined.add(node);
        }

        @Override
        public void onNodeLeft(int node) {
            left.add(node);
        }
    }
}
