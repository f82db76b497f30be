package io.quarkiverse.socketio.runtime.cluster.primary;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.ReferenceCountUtil;
import io.quarkiverse.socketio.runtime.cluster.SocketHandoff;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * The primary's end of {@link SocketHandoff}: one connection to one worker's handoff socket, over which client
 * connections are passed.
 */
final class HandoffSender {

    private final Channel channel;

    private HandoffSender(Channel channel) {
        this.channel = channel;
    }

    /** Connects to the worker's handoff socket, on an event loop of {@code vertx} (which must run on epoll). */
    static Future<HandoffSender> connect(Vertx vertx, Path socket) {
        Promise<HandoffSender> promise = Promise.promise();
        Bootstrap bootstrap = new Bootstrap()
                .group(vertx.nettyEventLoopGroup())
                .channel(EpollDomainSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg); // the worker sends nothing on it
                    }
                });
        bootstrap.connect(new DomainSocketAddress(socket.toString())).addListener((ChannelFuture connected) -> {
            if (connected.isSuccess()) {
                promise.complete(new HandoffSender(connected.channel()));
            } else {
                promise.fail(connected.cause());
            }
        });
        return promise.future();
    }

    /** Whether the client's connection can be handed over: it runs on epoll, which has its file descriptor. */
    static boolean canHandOff(Channel client) {
        return client instanceof EpollSocketChannel && client.isActive();
    }

    boolean isOpen() {
        return channel.isActive();
    }

    /**
     * Hands the client's connection to the worker with the request it is to read first: takes it off this process's
     * event loop, sends the request (in a pipe) and the socket, then closes this process's copy of the socket (the
     * worker has its own). {@code key} is what the worker names the connection by when it reports it closed (the sid
     * it was routed for, or empty). Called on the client connection's event loop; {@code done} gets null once the
     * worker has both, or why it does not (the client's connection is then closed: it reconnects).
     */
    void handOff(Channel client, String key, Buffer head, Consumer<Throwable> done) {
        FileDescriptor[] pipe;
        try {
            pipe = pipeHolding(key, head);
        } catch (IOException e) {
            done.accept(e);
            return;
        }
        FileDescriptor socket = new FileDescriptor(((EpollSocketChannel) client).fd().intValue());
        client.config().setAutoRead(false);
        // out of this process's epoll set first: its registration would outlive our close, the worker's copy being
        // the same open file
        client.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                SocketHandoff.closeQuietly(pipe[0]);
                client.close();
                done.accept(deregistered.cause());
                return;
            }
            // both writes in one task of the handoff channel's loop, so no other handoff comes between them
            channel.eventLoop().execute(() -> {
                channel.write(pipe[0]);
                channel.writeAndFlush(socket).addListener(sent -> {
                    SocketHandoff.closeQuietly(pipe[0]);
                    client.close();
                    done.accept(sent.isSuccess() ? null : sent.cause());
                });
            });
        });
    }

    void close() {
        channel.close();
    }

    /**
     * A pipe whose read end holds the line {@code key} then {@code head}, the write end closed: the reader gets the
     * bytes, then the end.
     */
    private static FileDescriptor[] pipeHolding(String key, Buffer head) throws IOException {
        FileDescriptor[] pipe = FileDescriptor.pipe();
        try {
            // pooled direct memory for the system call; a new direct buffer per handoff would wait for a GC to be freed
            ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(key.length() + 1 + head.length());
            try {
                buffer.writeCharSequence(key, StandardCharsets.UTF_8);
                buffer.writeByte('\n').writeBytes(head.getByteBuf());
                int length = buffer.readableBytes();
                ByteBuffer bytes = buffer.nioBuffer();
                int written = 0;
                while (written < length) {
                    int n = pipe[1].write(bytes, written, length);
                    if (n <= 0) {
                        throw new IOException("the pipe took " + written + " of " + length + " bytes");
                    }
                    written += n;
                }
            } finally {
                buffer.release();
            }
            return pipe;
        } catch (IOException | RuntimeException e) {
            SocketHandoff.closeQuietly(pipe[0]);
            throw e;
        } finally {
            SocketHandoff.closeQuietly(pipe[1]);
        }
    }
}
