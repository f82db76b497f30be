package io.quarkiverse.socketio.runtime.declarative;

/** What a handler method returns, as far as the acknowledgement and the completion are concerned. */
public enum ReturnKind {
    /** {@code void}: done when it returns; acknowledges with no arguments. */
    VOID,
    /** A plain value: done when it returns; acknowledges with the value. */
    VALUE,
    /** {@code Uni<Void>}: done when the Uni completes; acknowledges with no arguments. */
    UNI_VOID,
    /** {@code Uni<T>}: done when the Uni completes; acknowledges with its item. */
    UNI,
    /** {@code CompletionStage<Void>}: done when it completes; acknowledges with no arguments. */
    COMPLETION_STAGE_VOID,
    /** {@code CompletionStage<T>}: done when it completes; acknowledges with its value. */
    COMPLETION_STAGE,
    /** {@code Multi<T>}: each item emitted to the socket; done (for the socket's queue) when it returns. */
    MULTI;

    public boolean isUni() {
        return this == UNI || this == UNI_VOID;
    }

    public boolean isCompletionStage() {
        return this == COMPLETION_STAGE || this == COMPLETION_STAGE_VOID;
    }

    /** Whether the acknowledgement has no arguments. */
    public boolean acksWithoutArguments() {
        return this == VOID || this == UNI_VOID || this == COMPLETION_STAGE_VOID || this == MULTI;
    }
}
