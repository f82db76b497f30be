package io.quarkiverse.socketio.runtime.cluster.primary;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;

/**
 * Reads a worker's answer to an upgrade request from the bytes of the raw connection the request was written on: Netty's
 * {@link HttpResponseDecoder} in an {@link EmbeddedChannel} parses the head and the body, whether fixed-length, chunked
 * or delimited by the end of the connection. The answer is a 101, with the bytes that came after its head (frames the
 * worker sent at once, which must reach the client), or a refusal read whole. At most {@code max} bytes are read before
 * the head is complete, and a refusal's body is at most {@code max} bytes.
 * <p>
 * The body is gathered here rather than by Netty's {@code HttpObjectAggregator}, which adds a {@code Content-Length}
 * to every answer it aggregates, a 101 included, where the client must get the worker's head as it was.
 * <p>
 * Confined to one thread (the tunnel's event loop); {@link #close()} releases what the decoder holds.
 */
final class UpgradeAnswerDecoder implements AutoCloseable {

    /**
     * A worker's whole answer.
     *
     * @param status its status: 101, or the refusal's
     * @param headers its header fields, in order, as the worker wrote them
     * @param bytes a 101: the bytes that followed its head (possibly none); a refusal: its body
     */
    record Answer(int status, HttpHeaders headers, Buffer bytes) {
        boolean switched() {
            return status == 101;
        }
    }

    /** An answer the router cannot pass on: not HTTP, too large, or cut short by the end of the connection. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    private final int max;
    private final EmbeddedChannel channel;
    /** The bytes read while the head is incomplete. */
    private long headBytes;
    private HttpResponse head;
    private Buffer body;
    private boolean closed;

    UpgradeAnswerDecoder(int max) {
        this.max = max;
        this.channel = new EmbeddedChannel(new HttpResponseDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(max)
                .setMaxHeaderSize(max)));
    }

    /** Reads the next bytes of the connection: the whole answer once they complete it, else null. */
    Answer feed(Buffer data) throws Unreadable {
        if (head == null) {
            headBytes += data.length();
        }
        channel.writeInbound(Unpooled.wrappedBuffer(data.getBytes()));
        Answer answer = drain(false);
        if (answer == null && head == null && headBytes > max) {
            throw new Unreadable("an answer head larger than " + max + " bytes");
        }
        return answer;
    }

    /** The connection ended: the answer it completed (a body delimited by the end), or why there is none. */
    Answer end() throws Unreadable {
        channel.finish();
        Answer answer = drain(true);
        if (answer == null) {
            throw new Unreadable(head == null ? "the connection closed before an answer"
                    : "the connection closed within a refusal");
        }
        return answer;
    }

    private Answer drain(boolean ended) throws Unreadable {
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            try {
                Answer answer = read(msg, ended);
                if (answer != null) {
                    return answer;
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        return null;
    }

    private Answer read(Object msg, boolean ended) throws Unreadable {
        if (msg instanceof DecoderResultProvider provider) {
            failure(provider.decoderResult(), ended);
        }
        if (msg instanceof HttpResponse response) {
            int status = response.status().code();
            if (status != 101 && response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return null; // an interim answer (100, 103): the final one follows
            }
            head = response;
            if (status == 101) {
                // the decoder now passes on the bytes after the head as they are: the WebSocket's first frames
                Buffer early = Buffer.buffer();
                Object next;
                while ((next = channel.readInbound()) != null) {
                    try {
                        if (next instanceof ByteBuf bytes) {
                            early.appendBytes(ByteBufUtil.getBytes(bytes));
                        }
                    } finally {
                        ReferenceCountUtil.release(next);
                    }
                }
                return new Answer(101, response.headers(), early);
            }
            body = Buffer.buffer();
        }
        if (msg instanceof HttpContent content && head != null) {
            ByteBuf bytes = content.content();
            if (body.length() + bytes.readableBytes() > max) {
                throw new Unreadable("a refusal larger than " + max + " bytes");
            }
            body.appendBytes(ByteBufUtil.getBytes(bytes));
            if (msg instanceof LastHttpContent) {
                return new Answer(head.status().code(), head.headers(), body);
            }
        }
        return null;
    }

    private void failure(DecoderResult result, boolean ended) throws Unreadable {
        if (!result.isFailure()) {
            return;
        }
        Throwable cause = result.cause();
        if (cause instanceof TooLongFrameException) {
            throw new Unreadable("an answer head larger than " + max + " bytes");
        }
        if (cause instanceof PrematureChannelClosureException || ended) {
            throw new Unreadable(head == null ? "the connection closed before an answer"
                    : "the connection closed within a refusal");
        }
        throw new Unreadable((head == null ? "an answer that is not HTTP: " : "an unreadable refusal: ") + cause);
    }

    /** Releases the decoder's buffers; the answer already returned stays valid. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            channel.finishAndReleaseAll();
        }
    }
}
