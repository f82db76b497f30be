package io.quarkiverse.socketio.runtime.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
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
 *   9 HANDOFF_CLOSED worker -> primary: a connection the primary handed over closed: u8 1 when the session it was
 *                routed for goes on polling (its WebSocket probe failed), else 0; the sid (UTF-8, the rest; empty for
 *                a handshake)
 * </pre>
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
            putShort(body, 1, welcome.liveNodes().size());
            int at = 3;
            for (int node : welcome.liveNodes()) {
                putShort(body, at, node);
                at += 2;
            }
        } else if (message instanceof Ready) {
            body = new byte[] { 3 };
        } else if (message instanceof Stats stats) {
            body = new byte[] { 6, (byte) (stats.sockets() >>> 24), (byte) (stats.sockets() >>> 16),
                    (byte) (stats.sockets() >>> 8), (byte) stats.sockets() };
        } else if (message instanceof ClusterReadiness readiness) {
            body = new byte[5];
            body[0] = 7;
            putShort(body, 1, readiness.ready());
            putShort(body, 3, readiness.desired());
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
                int count = getShort(frame, at + 1);
                expect(length == 3 + 2 * count, "WELCOME of " + count + " nodes has " + length + " bytes");
                Set<Integer> nodes = new TreeSet<>();
                for (int i = 0; i < count; i++) {
                    nodes.add(getShort(frame, at + 3 + 2 * i));
                }
                return new Welcome(Collections.unmodifiableSet(nodes));
            }
            case 3:
                expect(length == 1, "READY carries nothing");
                return new Ready();
            case 4:
            case 5: {
                expect(length == 3, "A node event carries one node number");
                int node = getShort(frame, at + 1);
                return op == 4 ? new NodeJoined(node) : new NodeLeft(node);
            }
            case 6:
                expect(length == 5, "STATS carries one 32-bit count");
                return new Stats(((frame[at + 1] & 0xFF) << 24) | ((frame[at + 2] & 0xFF) << 16)
                        | ((frame[at + 3] & 0xFF) << 8) | (frame[at + 4] & 0xFF));
            case 7:
                expect(length == 5, "READINESS carries two 16-bit counts");
                return new ClusterReadiness(getShort(frame, at + 1), getShort(frame, at + 3));
            case 9:
                expect(length >= 2 && (frame[at + 1] == 0 || frame[at + 1] == 1), "HANDOFF_CLOSED without its flag");
                return new HandoffClosed(new String(frame, at + 2, length - 2, StandardCharsets.UTF_8), frame[at + 1] == 1);
            default:
                throw new ClusterProtocolException("Unknown control message " + op);
        }
    }

    private static byte[] nodeBody(int op, int node) {
        byte[] body = new byte[3];
        body[0] = (byte) op;
        putShort(body, 1, node);
        return body;
    }

    private static void expect(boolean condition, String problem) {
        if (!condition) {
            throw new ClusterProtocolException("Malformed control message: " + problem);
        }
    }

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static int getShort(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }
}
