package io.quarkiverse.socketio.runtime.cluster.primary;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * The client's WebSocket upgrade request as a worker reads it, whether it is handed over with the client's connection
 * ({@link HandoffSender}) or written on a raw connection ({@link WebSocketTunnel}): {@code GET}, the client's URI, the
 * end-to-end and forwarded headers of {@link ForwardedHeaders} (no {@code Sec-WebSocket-Extensions}, no
 * {@code Content-Length}), then {@code Connection: Upgrade} and the client's {@code Upgrade} header; no body. Encoded
 * by Netty's {@link HttpRequestEncoder}, header values byte for byte as the router's server read them (one byte per
 * character). A pure function, for any thread.
 */
final class UpgradeRequestHead {

    private UpgradeRequestHead() {
    }

    /** The head a worker reads for the client's upgrade request {@code req}. */
    static Buffer of(HttpServerRequest req) {
        return encode(req.uri(), ForwardedHeaders.request(req, true), req.getHeader(HttpHeaderNames.UPGRADE));
    }

    /** The head of an upgrade request to {@code uri} with {@code headers} (already filtered) and {@code upgrade}. */
    static Buffer encode(String uri, MultiMap headers, String upgrade) {
        // the router's server validated what it read: passed on as it is
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri,
                Unpooled.EMPTY_BUFFER, DefaultHttpHeadersFactory.headersFactory().withValidation(false),
                DefaultHttpHeadersFactory.trailersFactory().withValidation(false));
        for (Map.Entry<String, String> e : headers) {
            request.headers().add(e.getKey(), e.getValue());
        }
        request.headers().add("Connection", "Upgrade").add("Upgrade", upgrade);
        EmbeddedChannel channel = new EmbeddedChannel(new AsReceived());
        try {
            channel.writeOutbound(request);
            Buffer head = Buffer.buffer(512);
            ByteBuf bytes;
            while ((bytes = channel.readOutbound()) != null) {
                try {
                    head.appendBytes(ByteBufUtil.getBytes(bytes));
                } finally {
                    bytes.release();
                }
            }
            return head;
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * Netty's encoder but for the request line, which is written here as the client sent it: Netty writes the URI as
     * UTF-8 and adds a slash to an absolute URI without a path, where the worker must read the very bytes the router's
     * server read, one byte per character.
     */
    private static final class AsReceived extends HttpRequestEncoder {
        @Override
        protected void encodeInitialLine(ByteBuf buf, HttpRequest request) {
            ByteBufUtil.copy(request.method().asciiName(), buf);
            buf.writeByte(' ');
            buf.writeCharSequence(request.uri(), StandardCharsets.ISO_8859_1);
            buf.writeByte(' ');
            buf.writeCharSequence(request.protocolVersion().text(), StandardCharsets.US_ASCII);
            buf.writeByte('\r').writeByte('\n');
        }
    }
}
