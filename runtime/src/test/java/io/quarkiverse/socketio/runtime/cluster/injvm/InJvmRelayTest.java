package io.quarkiverse.socketio.runtime.cluster.injvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterLink;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterFrame;
import io.quarkiverse.socketio.runtime.cluster.wire.ClusterFrame.Kind;

class InJvmRelayTest {

    /** Records what a link receives: frames, and "+n" / "-n" for nodes joining and leaving. */
    static final class Recorder implements ClusterLink.Listener {
        final List<byte[]> frames = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onFrame(byte[] frame) {
            frames.add(frame);
            events.add("frame");
        }

        @Override
        public void onNodeJoined(int node) {
            events.add("+" + node);
        }

        @Override
        public void onNodeLeft(int node) {
            events.add("-" + node);
        }
    }

    static Recorder listen(ClusterLink link) {
        Recorder recorder = new Recorder();
        link.listener(recorder);
        return recorder;
    }

    @Test
    void publishReachesEveryOtherNodeWithTheSameBytes() {
        InJvmRelay relay = new InJvmRelay();
        ClusterLink a = relay.join();
        ClusterLink b = relay.join();
        ClusterLink c = relay.join();
        Recorder ra = listen(a);
        Recorder rb = listen(b);
        Recorder rc = listen(c);
        assertEquals(Set.of(2, 3), a.liveNodes());
        byte[] frame = ClusterFrame.encode(Kind.ADAPTER, a.self(), ClusterFrame.ALL, new byte[] { 1, 2, 3 });
        a.publish(frame);
        assertEquals(List.of(), ra.frames);
        assertSame(frame, rb.frames.get(0));
        assertSame(frame, rc.frames.get(0));
        assertEquals(2, relay.forwardedFrames());
        assertEquals(2L * frame.length, relay.forwardedBytes(), "the bytes of both deliveries");
    }

    @Test
    void sendReachesTheTargetOnly() {
        InJvmRelay relay = new InJvmRelay();
        ClusterLink a = relay.join();
        ClusterLink b = relay.join();
        ClusterLink c = relay.join();
        Recorder rb = listen(b);
        Recorder rc = listen(c);
        a.send(c.self(), ClusterFrame.encode(Kind.ADAPTER, a.self(), c.self(), new byte[0]));
        assertEquals(0, rb.frames.size());
        assertEquals(1, rc.frames.size());
    }

    @Test
    void headersMustMatchTheSender() {
        InJvmRelay relay = new InJvmRelay();
        ClusterLink a = relay.join();
        ClusterLink b = relay.join();
        Recorder rb = listen(b);
        // a node cannot speak for another one
        byte[] spoofed = ClusterFrame.encode(Kind.ADAPTER, 7, ClusterFrame.ALL, new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> a.publish(spoofed));
        byte[] targeted = ClusterFrame.encode(Kind.ADAPTER, a.self(), b.self(), new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> a.publish(targeted));
        // garbage is dropped, not forwarded
        a.publish(new byte[] { 0, 0, 0, 1, 2 });
        assertEquals(0, rb.frames.size());
    }

    @Test
    void killTellsTheOthersAtOnceAndSilencesTheNode() {
        InJvmRelay relay = new InJvmRelay();
        ClusterLink a = relay.join();
        Recorder ra = listen(a);
        ClusterLink b = relay.join();
        Recorder rb = listen(b);
        assertEquals(List.of("+2"), ra.events);

        relay.kill(b.self());
        assertEquals(List.of("+2", "-2"), ra.events);
        assertFalse(b.isOpen());
        assertEquals(Set.of(), a.liveNodes());
        b.publish(ClusterFrame.encode(Kind.ADAPTER, b.self(), ClusterFrame.ALL, new byte[0]));
        a.publish(ClusterFrame.encode(Kind.ADAPTER, a.self(), ClusterFrame.ALL, new byte[0]));
        assertEquals(List.of("+2", "-2"), ra.events);
        assertEquals(List.of(), rb.frames);
        // numbers are not reused
        assertEquals(3, relay.join().self());
    }

    @Test
    void heldFramesArriveInOrderOnReleaseAndAreDroppedOnKill() {
        InJvmRelay relay = new InJvmRelay();
        ClusterLink a = relay.join();
        ClusterLink b = relay.join();
        ClusterLink c = relay.join();
        Recorder rb = listen(b);
        Recorder rc = listen(c);
        relay.hold(b.self());
        relay.hold(c.self());
        for (int i = 0; i < 3; i++) {
            a.publish(ClusterFrame.encode(Kind.ADAPTER, a.self(), ClusterFrame.ALL, new byte[] { (byte) i }));
        }
        assertEquals(0, rb.frames.size());
        relay.release(b.self());
        assertEquals(3, rb.frames.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, ClusterFrame.body(rb.frames.get(i))[0]);
        }
        relay.kill(c.self());
        relay.release(c.self());
        assertTrue(rc.frames.isEmpty());
    }
}
