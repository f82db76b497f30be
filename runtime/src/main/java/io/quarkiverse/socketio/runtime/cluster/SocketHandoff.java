package io.quarkiverse.socketio.runtime.cluster;

import java.io.IOException;
import java.nio.file.Path;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import io.vertx.core.Vertx;

/**
 * Handing a client's TCP connection from the primary to a worker, as Node's {@code @socket.io/sticky} hands a socket
 * to a cluster worker: the primary reads the WebSocket upgrade request, routes it by sid like any request, then sends
 * the connection's file descriptor (SCM_RIGHTS) over a Unix domain socket to the worker, which serves it as if its
 * own HTTP server had accepted it. From then on the primary is out of the connection's way: no byte of it is copied,
 * no memory of the primary is spent on it, and its latency is the worker's alone.
 * <p>
 * <b>The wire.</b> Each worker listens on {@code handoff-<node>.sock} in the cluster's owner-only directory (beside the
 * IPC socket). A handoff is two file descriptors, in this order, on the primary's one connection to it: a pipe holding
 * a line with the sid the connection was routed for (empty for a handshake), then the upgrade request as the worker
 * should read it (at most {@link #MAX_HEAD} bytes; all written and the pipe's write end closed before it is sent),
 * then the client's socket. The worker replays the request into the connection and, when the connection closes, tells
 * the primary with that sid (control message HANDOFF_CLOSED), so that the router's counts stay true.
 * <p>
 * It needs Linux's native transport (epoll) in both processes: the JDK cannot pass file descriptors. Without it, or
 * with {@code quarkus.socketio.cluster.socket-handoff=false}, the primary pipes the WebSocket's bytes as before.
 */
public final class SocketHandoff {

    /** The largest upgrade request the primary hands off; larger heads are piped. */
    public static final int MAX_HEAD = 16 * 1024;

    private SocketHandoff() {
    }

    /** Whether this process can pass or receive sockets: Linux's native transport is there and Vert.x runs on it. */
    public static boolean available(Vertx vertx) {
        return Epoll.isAvailable() && vertx.isNativeTransportEnabled();
    }

    /** Where the worker of this node takes connections, in the directory of the cluster's IPC socket. */
    public static Path socketPath(Path ipcSocket, int node) {
        return ipcSocket.resolveSibling("handoff-" + node + ".sock");
    }

    /** Closes a file descriptor of a handoff, which may be closed already. */
    public static void closeQuietly(FileDescriptor fd) {
        try {
            fd.close();
        } catch (IOException e) {
            // closed already
        }
    }
}
