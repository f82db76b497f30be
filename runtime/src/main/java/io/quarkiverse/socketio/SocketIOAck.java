package io.quarkiverse.socketio;

/**
 * The acknowledgement of an event, for an {@link OnEvent} handler that answers later, from any thread: declare it as
 * a parameter (the method then returns {@code void}) and call {@link #send(Object...)} when the answer is ready.
 *
 * <pre>
 * &#64;OnEvent("report")
 * void report(ReportRequest request, SocketIOAck ack) {
 *     reports.build(request).subscribe().with(report -&gt; ack.send(report));
 * }
 * </pre>
 */
public interface SocketIOAck {

    /**
     * Sends the acknowledgement with these arguments (converted by the application's {@code ObjectMapper};
     * {@code byte[]} and Vert.x {@code Buffer}s travel as binary). Only the first call counts; when the client asked
     * for no acknowledgement, it does nothing.
     */
    void send(Object... args);

    /** Whether the client asked for an acknowledgement. */
    boolean requested();
}
