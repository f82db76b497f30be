package io.quarkiverse.socketio.runtime.declarative;

/** Where a handler method runs. */
public enum ExecutionModel {
    /** On the socket's event loop, inline. */
    EVENT_LOOP,
    /** On a worker thread. */
    WORKER,
    /** On a virtual thread (a worker thread when the JVM has none). */
    VIRTUAL_THREAD
}
