package io.quarkiverse.socketio.runtime.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.quarkiverse.socketio.runtime.cluster.wire.ClusterFrame;

/**
 * Cluster frames over one stream connection (the Unix domain socket between the primary and a worker). A reader
 * thread splits the incoming bytes into frames ({@link ClusterFrame.Reader}) and hands each to the frame handler; a
 * writer thread drains a queue, so that callers (event loops among them) never block on the socket. A stream that
 * loses its framing, reaches its end, or fails is closed, and the close handler is told once, after the last frame.
 */
public final class FrameChannel {

    /** What may wait in the write queue before the peer is considered stuck and the channel is closed. */
    static final long MAX_QUEUED_BYTES = 256L * 1024 * 1024;

    private static final byte[] STOP = new byte[0];

    private final SocketChannel channel;
    private final String name;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Consumer<Throwable> closeHandler;

    public FrameChannel(SocketChannel channel, String name) {
        this.channel = channel;
        this.name = name;
    }

    /**
     * Starts reading and writing.
     *
     * @param frameHandler gets each whole frame, on the reader thread, in order
     * @param closeHandler told once when the channel closes: {@code null} for an orderly close (ours or the peer's
     *        end of stream), else the cause
     */
    public void start(Consumer<byte[]> frameHandler, Consumer<Throwable> closeHandler) {
        this.closeHandler = closeHandler;
        Thread reader = new Thread(() -> read(frameHandler), name + "-reader");
        reader.setDaemon(true);
        reader.start();
        Thread writer = new Thread(this::write, name + "-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues a whole frame; {@code false} when the channel is closed (the frame is dropped). */
    public boolean write(byte[] frame) {
        if (closed.get()) {
            return false;
        }
        if (queuedBytes.addAndGet(frame.length) > MAX_QUEUED_BYTES) {
            close(new IOException(name + ": the peer does not read its frames ("
                    + MAX_QUEUED_BYTES / (1024 * 1024) + " MiB queued)"));
            return false;
        }
        queue.add(frame);
        return true;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /** Closes the connection; what is still queued is dropped. */
    public void close() {
        close(null);
    }

    public void close(Throwable cause) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queue.clear();
        queue.add(STOP);
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
        Consumer<Throwable> handler = closeHandler;
        if (handler != null) {
            handler.accept(cause);
        }
    }

    private void read(Consumer<byte[]> frameHandler) {
        ClusterFrame.Reader frames = new ClusterFrame.Reader();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (!closed.get()) {
                buffer.clear();
                int read = channel.read(buffer);
                if (read < 0) {
                    close(null);
                    return;
                }
                for (byte[] frame : frames.feed(buffer.array(), 0, read)) {
                    frameHandler.accept(frame);
                }
            }
        } catch (IOException e) {
            close(closed.get() ? null : e);
        } catch (RuntimeException e) {
            // a ClusterProtocolException: the stream lost its framing
            close(e);
        }
    }

    private void write() {
        List<byte[]> batch = new ArrayList<>();
        try {
            while (true) {
                batch.clear();
                batch.add(queue.take());
                queue.drainTo(batch, 255);
                int stop = batch.indexOf(STOP);
                if (stop >= 0) {
                    return;
                }
                ByteBuffer[] buffers = new ByteBuffer[batch.size()];
                long bytes = 0;
                for (int i = 0; i < buffers.length; i++) {
                    buffers[i] = ByteBuffer.wrap(batch.get(i));
                    bytes += buffers[i].remaining();
                }
                long left = bytes;
                while (left > 0) {
                    left -= channel.write(buffers);
                }
                queuedBytes.addAndGet(-bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(e);
        } catch (IOException e) {
            close(closed.get() ? null : e);
        }
    }
}
