package io.quarkiverse.socketio.runtime.engine;

import java.util.Collection;
import java.util.Map;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpObjectEncoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Writes a batch of packets to a WebSocket as one frame each and flushes once at the end: one system call for all the
 * packets a session sends in an event-loop turn, where the write methods of {@link ServerWebSocket} flush (and make a
 * completion promise) per frame. A message shared by many sessions ({@link EngineText}) is written as the frame it
 * encoded once, not encoded again per session; not when an extension (compression) was negotiated, whose encoder must
 * see every frame.
 * <p>
 * Vert.x 4 has no public write without a flush, so this writes Netty frames on the channel handler context of the
 * WebSocket's connection (the upgraded HTTP connection), the one Vert.x's own frame writes go through (after the
 * WebSocket frame encoder). The back-pressure signal stays the channel's writability, which
 * {@link ServerWebSocket#writeQueueFull()} reads. A connection that is not Vert.x's implementation gets no writer
 * ({@link #of} returns null): the caller then uses the public API.
 */
final class WebSocketFrameWriter {

    private final ChannelHandlerContext context;
    /** Whether encoded frames may be written as bytes; null while not known yet (see {@link #rawFrames()}). */
    private Boolean rawFrames;

    private WebSocketFrameWriter(ChannelHandlerContext context) {
        this.context = context;
    }

    /** The writer of a WebSocket upgraded from this connection (Vert.x Web wraps the WebSocket, not the connection). */
    static WebSocketFrameWriter of(HttpConnection connection) {
        if (connection instanceof ConnectionBase base && base.channelHandlerContext() != null) {
            return new WebSocketFrameWriter(base.channelHandlerContext());
        }
        return null;
    }

    /** Writes the packets in order, then flushes; on the connection's event loop (at once when already there). */
    void write(Collection<EnginePacket> packets) {
        boolean raw = rawFrames();
        Object[] frames = new Object[packets.size()];
        int i = 0;
        for (EnginePacket p : packets) {
            frames[i++] = frame(p, raw);
        }
        if (context.executor().inEventLoop()) {
            writeAndFlush(frames);
        } else {
            context.executor().execute(() -> writeAndFlush(frames));
        }
    }

    /**
     * Encoded frames may go as bytes once the handshake's HTTP encoder has left the pipeline (Netty removes it when the
     * 101 was written, maybe after the first frames: it would refuse bytes) and when no extension encoder was added
     * (added at the same moment, before). Until then, frames go as frame objects, which both let through.
     */
    private boolean rawFrames() {
        Boolean known = rawFrames;
        if (known != null) {
            return known;
        }
        boolean httpEncoder = false;
        for (Map.Entry<String, ChannelHandler> handler : context.pipeline()) {
            if (handler.getValue() instanceof WebSocketExtensionEncoder) {
                rawFrames = false;
                return false;
            }
            httpEncoder |= handler.getValue() instanceof HttpObjectEncoder;
        }
        if (httpEncoder) {
            return false; // asked again at the next write
        }
        rawFrames = true;
        return true;
    }

    private void writeAndFlush(Object[] frames) {
        for (Object frame : frames) {
            context.write(frame, context.voidPromise());
        }
        context.flush();
    }

    /** A Netty frame, or the bytes of an encoded one (which pass the frame encoder untouched). */
    private static Object frame(EnginePacket p, boolean rawFrames) {
        // Vert.x buffers are never released, so the channel may release its view (getByteBuf) of a shared one
        if (p.isBinary()) {
            return new BinaryWebSocketFrame(true, 0, p.binary().getByteBuf());
        }
        EngineText shared = p.shared();
        if (shared != null && rawFrames) {
            return shared.frame().duplicate();
        }
        return new TextWebSocketFrame(EngineCodec.encodePacket(p));
    }
}
