package io.quarkiverse.socketio.runtime.engine;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

import org.jboss.logging.Logger;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;

/**
 * WebSocket: one packet per message. Text frames carry {@code <type><data>}, binary frames a binary message.
 * <p>
 * Frames are aggregated here (on the WebSocket's own context) with the {@code maxHttpBufferSize} limit, so the
 * server-wide Vert.x message size limit does not apply; each complete message is decoded and handed to the session on
 * the session's context.
 */
final class WebSocketTransport extends EngineTransport {

    private static final Logger LOG = Logger.getLogger(WebSocketTransport.class);
    /** WebSocket close status: message too big. */
    private static final short MESSAGE_TOO_BIG = 1009;

    private final ServerWebSocket socket;
    /** The TCP connection under the WebSocket. */
    private final HttpConnection connection;
    private final EngineSessionImpl session;
    private final int maxMessageSize;
    /** Null when the WebSocket is not Vert.x's own: then each frame is written through the public API. */
    private final WebSocketFrameWriter writer;

    // confined to the WebSocket's context
    private Buffer partial;
    private boolean partialOwned;
    private boolean partialText;
    private boolean rejected;

    /** {@code connection}: the HTTP connection the WebSocket was upgraded from. */
    WebSocketTransport(ServerWebSocket socket, HttpConnection connection, EngineSessionImpl session, int maxMessageSize) {
        this.socket = socket;
        this.connection = connection;
        this.session = session;
        this.maxMessageSize = maxMessageSize;
        this.writer = WebSocketFrameWriter.of(connection);
        socket.frameHandler(this::onFrame);
        socket.closeHandler(v -> session.runOnContext(() -> session.onSocketClosed(this)));
        socket.exceptionHandler(t -> {
            LOG.debugf("Engine.IO session %s: WebSocket error: %s", session.id(), t.toString());
            session.runOnContext(() -> session.onSocketError(this));
        });
    }

    @Override
    String name() {
        return EngineOptions.WEBSOCKET;
    }

    @Override
    boolean writable() {
        return !socket.isClosed();
    }

    @Override
    boolean readyForMore() {
        return !socket.isClosed() && !socket.writeQueueFull();
    }

    @Override
    void send(Collection<EnginePacket> packets) {
        if (socket.isClosed()) {
            return;
        }
        if (writer != null) {
            writer.write(packets);
            return;
        }
        for (EnginePacket p : packets) {
            if (p.isBinary()) {
                socket.writeFinalBinaryFrame(p.binary());
            } else {
                socket.writeFinalTextFrame(EngineCodec.encodePacket(p));
            }
        }
    }

    void close() {
        if (!socket.isClosed()) {
            socket.close();
        }
    }

    /** Closes the TCP connection at once, without the WebSocket closing handshake. */
    void abort() {
        connection.close();
    }

    private void onFrame(WebSocketFrame frame) {
        if (rejected) {
            return;
        }
        if (frame.isText() || frame.isBinary()) {
            partial = frame.binaryData();
            partialOwned = false;
            partialText = frame.isText();
        } else if (frame.isContinuation()) {
            if (partial == null) {
                return; // a continuation without a start: Netty rejects these already
            }
            Buffer data = frame.binaryData();
            if (partial.length() + data.length() > maxMessageSize) {
                tooLarge(partial.length() + data.length());
                return;
            }
            if (!partialOwned) {
                partial = Buffer.buffer(partial.length() + data.length()).appendBuffer(partial);
                partialOwned = true;
            }
            partial.appendBuffer(data);
        } else {
            return; // ping, pong, close: Vert.x handles them
        }
        if (partial.length() > maxMessageSize) {
            tooLarge(partial.length());
            return;
        }
        if (!frame.isFinal()) {
            return;
        }
        Buffer message = partial;
        partial = null;
        EnginePacket packet = partialText ? EngineCodec.decodePacket(message.toString(StandardCharsets.UTF_8))
                : EnginePacket.binary(message);
        session.runOnContext(() -> session.onSocketPacket(this, packet));
    }

    private void tooLarge(int size) {
        rejected = true;
        partial = null;
        LOG.debugf("Engine.IO session %s: WebSocket message of %d bytes exceeds maxHttpBufferSize %d", session.id(), size,
                maxMessageSize);
        socket.close(MESSAGE_TOO_BIG, "Message too big");
        session.runOnContext(() -> session.onSocketError(this));
    }
}
