package io.quarkiverse.socketio.runtime.cluster.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The body of a {@link ClusterFrame.Kind#CONTROL} frame: what the primary and one worker tell each other about the
 * cluster itself. The relay answers these instead of forwarding them.
 *
 * <pre>
 * u8 op, then
 *   1 HELLO      worker -> primary, the first frame on a new connection: the worker's secret (UTF-8, the rest)
 *   2 WELCOME    primary -> worker, the answer to HELLO: u16 count, count x u16 the nodes already serving
 *   3 READY      worker -> primary: the worker serves HTTP; the other nodes are told it joined
 *   4 JOINED     primary -> worker: u16 a node that joined
 *   5 LEFT       primary -> worker: u16 a node that left (its process exited or its link closed)
 *   6 STATS      worker -> primary: u32 the Socket.IO sockets it serves (sent every second once ready)
 *   7 READINESS  primary -> worker: u16 the workers that serve, u16 the desired number (sent every second)
 *   8 CLUSTER_STATS primary -> worker: u16 count, count x (u16 worker index, u32 its restarts), u64 the frames the
 *                relay delivered, u64 their bytes (sent every second, with READINESS)
 *   9 HANDOFF_CLOSED worker -> primary: a connection the primary handed over closed: u8 1 when the session it was
 *                routed for goes on polling (its WebSocket probe failed), else 0; the sid (UTF-8, the rest; empty for
 *                a handshake)
 * </pre>
 *
 * Every length is checked on decoding: a body one byte too short or too long is refused.
 */
public sealed interface ControlMessage {

    /** The first frame of a worker: proves it was launched by this primary. */
    record Hello(byte[] secret) implements ControlMessage {
    }

    /** The primary accepted the worker; these nodes serve already. */
    record Welcome(Set<Integer> liveNodes) implements ControlMessage {
    }

    /** The worker serves HTTP. */
    record Ready() implements ControlMessage {
    }

    /** A node joined the cluster. */
    record NodeJoined(int node) implements ControlMessage {
    }

    /** A node left the cluster. */
    record NodeLeft(int node) implements ControlMessage {
    }

    /** What a worker serves now. */
    record Stats(int sockets) implements ControlMessage {
    }

    /** How many workers serve, out of the desired number: the cluster's readiness, for the workers' health check. */
    record ClusterReadiness(int ready, int desired) implements ControlMessage {

        /** Every desired worker serves (a worker in a crash loop never does). */
        public boolean complete() {
            return desired > 0 && ready == desired;
        }
    }

    /**
     * What only the primary knows of the cluster, for the workers' meters: how many times each worker slot (by index)
     * was restarted after its process exited, and the relay's deliveries and their bytes since the primary started.
     */
    record ClusterStats(Map<Integer, Integer> restarts, long relayFrames, long relayBytes) implements ControlMessage {

        /** The most worker slots one message describes: the frame's count is 16 bits. */
        public static final int MAX_WORKERS = 0xFFFF;

        public ClusterStats {
            if (restarts.size() > MAX_WORKERS) {
                throw new IllegalArgumentException("At most " + MAX_WORKERS + " workers: " + restarts.size());
            }
            for (Map.Entry<Integer, Integer> slot : restarts.entrySet()) {
                if (slot.getKey() < 0 || slot.getKey() > 0xFFFF || slot.getValue() < 0) {
                    throw new IllegalArgumentException("Worker " + slot.getKey() + " restarted " + slot.getValue()
                            + " times: out of range");
                }
            }
            if (relayFrames < 0 || relayBytes < 0) {
                throw new IllegalArgumentException("Negative relay traffic: " + relayFrames + " frames, "
                        + relayBytes + " bytes");
            }
            restarts = Collections.unmodifiableMap(new TreeMap<>(restarts));
        }
    }

    /**
     * A client connection that the primary handed to the worker closed ({@code sid} empty: it was opened for a new
     * session), so that the router's count of the worker's connections stays true; {@code stillPolling}: the session
     * was not upgraded to it and goes on polling, else it ended with it.
     */
    record HandoffClosed(String sid, boolean stillPolling) implements ControlMessage {
    }

    /** This message in a frame from {@code source} to {@code target}. */
    static byte[] frame(ControlMessage message, int source, int target) {
        byte[] body;
        if (message instanceof Hello hello) {
            body = new byte[1 + hello.secret().length];
            body[0] = 1;
            System.arraycopy(hello.secret(), 0, body, 1, hello.secret().length);
        } else if (message instanceof Welcome welcome) {
            body = new byte[3 + 2 * welcome.liveNodes().size()];
            body[0] = 2;
            BigEndian.putShort(body, 1, welcome.liveNodes().size());
            int at = 3;
            for (int node : welcome.liveNodes()) {
                BigEndian.putShort(body, at, node);
                at += 2;
            }
        } else if (message instanceof Ready) {
            body = new byte[] { 3 };
        } else if (message instanceof Stats stats) {
            body = new byte[5];
            body[0] = 6;
            BigEndian.putInt(body, 1, stats.sockets());
        } else if (message instanceof ClusterReadiness readiness) {
            body = new byte[5];
            body[0] = 7;
            BigEndian.putShort(body, 1, readiness.ready());
            BigEndian.putShort(body, 3, readiness.desired());
        } else if (message instanceof ClusterStats stats) {
            body = new byte[3 + 6 * stats.restarts().size() + 16];
            body[0] = 8;
            BigEndian.putShort(body, 1, stats.restarts().size());
            int at = 3;
            for (Map.Entry<Integer, Integer> slot : stats.restarts().entrySet()) {
                BigEndian.putShort(body, at, slot.getKey());
                BigEndian.putInt(body, at + 2, slot.getValue());
                at += 6;
            }
            BigEndian.putLong(body, at, stats.relayFrames());
            BigEndian.putLong(body, at + 8, stats.relayBytes());
        } else if (message instanceof HandoffClosed closed) {
            byte[] sid = closed.sid().getBytes(StandardCharsets.UTF_8);
            body = new byte[2 + sid.length];
            body[0] = 9;
            body[1] = (byte) (closed.stillPolling() ? 1 : 0);
            System.arraycopy(sid, 0, body, 2, sid.length);
        } else if (message instanceof NodeJoined joined) {
            body = nodeBody(4, joined.node());
        } else {
            body = nodeBody(5, ((NodeLeft) message).node());
        }
        return ClusterFrame.encode(ClusterFrame.Kind.CONTROL, source, target, body);
    }

    /** A HELLO carrying this secret. */
    static Hello hello(String secret) {
        return new Hello(secret.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The message in a whole CONTROL frame.
     *
     * @throws ClusterProtocolException when the frame is not a CONTROL frame or its body is malformed
     */
    static ControlMessage decode(byte[] frame) {
        ClusterFrame.Header header = ClusterFrame.header(frame);
        if (header.kind() != ClusterFrame.Kind.CONTROL) {
            throw new ClusterProtocolException("Not a control frame: " + header.kind());
        }
        int at = ClusterFrame.BODY_OFFSET;
        int length = header.bodyLength();
        if (length < 1) {
            throw new ClusterProtocolException("Empty control frame");
        }
        int op = frame[at] & 0xFF;
        switch (op) {
            case 1:
                return new Hello(Arrays.copyOfRange(frame, at + 1, at + length));
            case 2: {
                expect(length >= 3, "WELCOME without its node count");
                int count = BigEndian.getUnsignedShort(frame, at + 1);
                expect(length == 3 + 2 * count, "WELCOME of " + count + " nodes has " + length + " bytes");
                Set<Integer> nodes = new TreeSet<>();
                for (int i = 0; i < count; i++) {
                    nodes.add(BigEndian.getUnsignedShort(frame, at + 3 + 2 * i));
                }
                return new Welcome(Collections.unmodifiableSet(nodes));
            }
            case 3:
                expect(length == 1, "READY carries nothing");
                return new Ready();
            case 4:
            case 5: {
                expect(length == 3, "A node event carries one node number");
                int node = BigEndian.getUnsignedShort(frame, at + 1);
                return op == 4 ? new NodeJoined(node) : new NodeLeft(node);
            }
            case 6:
                expect(length == 5, "STATS carries one 32-bit count");
                return new Stats(BigEndian.getInt(frame, at + 1));
            case 7:
                expect(length == 5, "READINESS carries two 16-bit counts");
                return new ClusterReadiness(BigEndian.getUnsignedShort(frame, at + 1),
                        BigEndian.getUnsignedShort(frame, at + 3));
            case 8: {
                expect(length >= 3, "CLUSTER_STATS without its worker count");
                int count = BigEndian.getUnsignedShort(frame, at + 1);
                expect(length == 3 + 6 * count + 16, "CLUSTER_STATS of " + count + " workers has " + length + " bytes");
                Map<Integer, Integer> restarts = new TreeMap<>();
                int slot = at + 3;
                for (int i = 0; i < count; i++, slot += 6) {
                    int restartCount = BigEndian.getInt(frame, slot + 2);
                    expect(restartCount >= 0, "a restart count over 2^31");
                    expect(restarts.put(BigEndian.getUnsignedShort(frame, slot), restartCount) == null,
                            "worker " + BigEndian.getUnsignedShort(frame, slot) + " listed twice");
                }
                long frames = BigEndian.getLong(frame, slot);
                long bytes = BigEndian.getLong(frame, slot + 8);
                expect(frames >= 0 && bytes >= 0, "relay traffic over 2^63");
                return new ClusterStats(restarts, frames, bytes);
            }
            case 9:
                expect(length >= 2 && (frame[at + 1] == 0 || frame[at + 1] == 1), "HANDOFF_CLOSED without its flag");
                return new HandoffClosed(new String(frame, at + 2, length - 2, StandardCharsets.UTF_8),
                        frame[at + 1] == 1);
            default:
                throw new ClusterProtocolException("Unknown control message " + op);
        }
    }

    private static byte[] nodeBody(int op, int node) {
        byte[] body = new byte[3];
        body[0] = (byte) op;
        BigEndian.putShort(body, 1, node);
        return body;
    }

    private static void expect(boolean condition, String problem) {
        if (!condition) {
            throw new ClusterProtocolException("Malformed control message: " + problem);
        }
    }
}
