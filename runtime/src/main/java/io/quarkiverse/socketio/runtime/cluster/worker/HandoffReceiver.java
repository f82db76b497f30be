package io.quarkiverse.socketio.runtime.cluster.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jboss.logging.Logger;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.quarkiverse.socketio.runtime.cluster.SocketHandoff;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.server.SocketIOServerImpl;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * A worker's end of {@link SocketHandoff}: takes the client connections the primary hands over and gives each to this
 * worker's HTTP server as if the server had accepted it (through the server's own listening channel, so the
 * connection gets the server's pipeline, options and event loops), then replays the upgrade request the primary read.
 * <p>
 * The listening channel is learnt from a request the server accepted: the worker sends itself one before it reports
 * ready. Nothing happens in a process that is not a worker, or when handoff is off or the native transport missing;
 * the primary then pipes.
 */
public final class HandoffReceiver {

    private static final Logger LOG = Logger.getLogger(HandoffReceiver.class);

    private final Vertx vertx;
    /** The link to the primary; null when this process is not a worker. */
    private final WorkerLink link;
    private final boolean enabled;
    private final String enginePath;
    /** The worker HTTP server's listening channel, once a request showed it. */
    private volatile Channel serverChannel;
    /** The server whose route learns it. */
    private volatile SocketIOServerImpl server;
    private Channel listener;
    private Path socket;

    /** @param link the worker's link to its primary, {@code null} when this process is not a worker */
    public HandoffReceiver(Vertx vertx, WorkerLink link, SocketIOConfig config) {
        this.vertx = vertx;
        this.link = link;
        this.enginePath = config.path();
        this.enabled = link != null && config.cluster().socketHandoff() && SocketHandoff.available(vertx);
    }

    /**
     * The Engine.IO route's handler of {@code server}, which also learns the HTTP server's listening channel from the
     * requests it sees.
     */
    public Handler<RoutingContext> routeHandler(SocketIOServerImpl server) {
        Handler<RoutingContext> engine = server.engineHandler();
        if (!enabled) {
            return engine;
        }
        this.server = server;
        return ctx -> {
            if (serverChannel == null) {
                learn(ctx.request());
            }
            engine.handle(ctx);
        };
    }

    private void learn(HttpServerRequest request) {
        if (request.connection() instanceof ConnectionBase base
                && base.channel().parent() instanceof EpollServerSocketChannel parent) {
            serverChannel = parent;
        }
    }

    /**
     * Gets ready to take connections: learns the listening channel of the HTTP server on {@code httpPort} and
     * listens on the handoff socket. Completes in any case (without handoff the primary pipes); called once HTTP
     * serves, before the worker reports ready.
     */
    public Future<Void> start(int httpPort) {
        if (!enabled) {
            return Future.succeededFuture();
        }
        HttpClient client = vertx.createHttpClient();
        Promise<Void> started = Promise.promise();
        client.request(HttpMethod.GET, httpPort, "127.0.0.1", enginePath)
                .compose(req -> req.send())
                .compose(resp -> resp.body())
                .eventually(() -> client.close())
                .onComplete(ar -> {
                    if (serverChannel == null) {
                        LOG.warnf("Socket.IO worker %d: cannot take connections from the primary (its HTTP server "
                                + "does not run on epoll, or GET %s on port %d missed the Socket.IO route); the primary "
                                + "pipes them", link.workerIndex(), enginePath, httpPort);
                        started.complete();
                        return;
                    }
                    listen(link.handoffSocket()).onComplete(lr -> {
                        if (lr.failed()) {
                            LOG.warnf("Socket.IO worker %d: cannot listen on %s (%s); the primary pipes connections",
                                    link.workerIndex(), link.handoffSocket(), lr.cause().toString());
                        }
                        started.complete();
                    });
                });
        return started.future();
    }

    private Future<Void> listen(Path path) {
        Promise<Void> promise = Promise.promise();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(vertx.nettyEventLoopGroup())
                .channel(EpollServerDomainSocketChannel.class)
                .childOption(EpollChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                // edge-triggered, a read of one descriptor can leave the next waiting until more arrive
                .childOption(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Handoffs());
                    }
                });
        bootstrap.bind(new DomainSocketAddress(path.toString())).addListener((ChannelFuture bound) -> {
            if (bound.isSuccess()) {
                synchronized (this) {
                    listener = bound.channel();
                    socket = path;
                }
                promise.complete();
            } else {
                promise.fail(bound.cause());
            }
        });
        return promise.future();
    }

    /** Stops taking connections; when the application stops. */
    public void stop() {
        Channel l;
        Path s;
        synchronized (this) {
            l = listener;
            s = socket;
            listener = null;
        }
        if (l != null) {
            l.close();
            try {
                Files.deleteIfExists(s);
            } catch (IOException e) {
                // the primary removes its directory anyway
            }
        }
    }

    /** The file descriptors on one connection from the primary: a pipe with the request, then its socket, in turn. */
    private final class Handoffs extends ChannelInboundHandlerAdapter {
        /** The request read from the last pipe, waiting for its socket; null when a pipe comes next. */
        private byte[] head;
        /** Where pipes are read, one at a time on this connection's event loop (direct: the system call's memory). */
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(SocketHandoff.MAX_HEAD + 1024);

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FileDescriptor fd)) {
                return; // FILE_DESCRIPTORS mode reads nothing else
            }
            if (head == null) {
                head = readWhole(fd, buffer);
            } else {
                byte[] request = head;
                head = null;
                accept(fd, request);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debugf("Socket.IO worker: the primary's handoff connection failed: %s", cause.toString());
            ctx.close();
        }
    }

    /** The pipe's bytes to its end, then closes it; an empty array when it cannot be read (its socket is refused). */
    private static byte[] readWhole(FileDescriptor pipe, ByteBuffer buffer) {
        buffer.clear();
        try {
            int n;
            while (buffer.position() < buffer.limit()
                    && (n = pipe.read(buffer, buffer.position(), buffer.limit())) > 0) {
                buffer.position(buffer.position() + n);
            }
            byte[] bytes = new byte[buffer.position()];
            buffer.flip().get(bytes);
            return bytes;
        } catch (IOException e) {
            return new byte[0];
        } finally {
            SocketHandoff.closeQuietly(pipe);
        }
    }

    private void accept(FileDescriptor fd, byte[] content) {
        // a line with the key to report the connection's close with (the sid it was routed for, or empty), then the
        // request
        int newline = 0;
        while (newline < content.length && content[newline] != '\n') {
            newline++;
        }
        String key = new String(content, 0, newline, StandardCharsets.UTF_8);
        int requestLength = Math.max(0, content.length - newline - 1);
        Channel listening = serverChannel;
        if (requestLength == 0 || listening == null || !listening.isActive()) {
            SocketHandoff.closeQuietly(fd);
            closed(key);
            return;
        }
        EpollSocketChannel child;
        try {
            child = new EpollSocketChannel(fd.intValue());
        } catch (RuntimeException e) {
            SocketHandoff.closeQuietly(fd);
            closed(key);
            return;
        }
        // before the WebSocket's close reaches the session: a session upgraded to it is still on it then
        child.closeFuture().addListener(done -> closed(key));
        child.pipeline().addLast(new Replay(Unpooled.wrappedBuffer(content, newline + 1, requestLength)));
        // what the server's acceptor does with a connection it accepted: its pipeline, options, an event loop
        listening.eventLoop().execute(() -> listening.pipeline().fireChannelRead(child));
    }

    /** Tells the primary a connection it handed over closed, and whether the session it was routed for goes on. */
    private void closed(String sid) {
        SocketIOServerImpl s = server;
        link.handoffClosed(sid, !sid.isEmpty() && s != null && s.isPolling(sid));
    }

    /**
     * Gives the server's pipeline the request the primary read, once the connection is active; then watches the answer.
     * A connection whose upgrade was refused closes after the refusal: it was routed for that one request, and a client
     * (a proxy's keep-alive pool) that sent the next request on it would reach this worker instead of the one the primary
     * would route it to.
     */
    private static final class Replay extends ChannelDuplexHandler {
        private static final byte[] SWITCHING = "HTTP/1.1 101".getBytes(StandardCharsets.US_ASCII);
        private final ByteBuf request;
        private boolean refused;

        Replay(ByteBuf request) {
            this.request = request;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.fireChannelActive();
            ctx.fireChannelRead(request);
            // as after a read from the socket: Vert.x flushes what it wrote for a read when the read completes
            ctx.fireChannelReadComplete();
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (!refused && msg instanceof ByteBuf head && head.readableBytes() > 0) {
                if (startsWith(head, SWITCHING)) {
                    ctx.pipeline().remove(this); // a WebSocket from now on
                } else {
                    refused = true;
                }
            }
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            ctx.flush();
            if (refused) {
                // the refusal is written whole and flushed at once (a small answer): close once it is out
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static boolean startsWith(ByteBuf buf, byte[] prefix) {
            if (buf.readableBytes() < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (buf.getByte(buf.readerIndex() + i) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
