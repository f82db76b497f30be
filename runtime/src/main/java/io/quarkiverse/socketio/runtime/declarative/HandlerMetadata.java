package io.quarkiverse.socketio.runtime.declarative;

import java.util.ArrayList;
import java.util.List;

/**
 * A handler method of a {@link io.quarkiverse.socketio.SocketIO} bean, as found and validated at build time.
 * Recorded: a bean with a no-argument constructor and accessors.
 */
public class HandlerMetadata {

    private HandlerKind kind;
    /** For {@link HandlerKind#EVENT}: the event name. */
    private String event;
    /** For a {@link ReturnKind#MULTI} event handler: the event each item is emitted as. */
    private String emit;
    /** The generated {@link SocketIOInvoker}. */
    private String invokerClass;
    /** {@code com.acme.Chat#message(SocketIOSocket, ChatMessage)}, for log messages. */
    private String description;
    private ExecutionModel executionModel;
    private ReturnKind returnKind;
    /** For {@link HandlerKind#EVENT}: whether the return value acknowledges the event. */
    private boolean autoAck;
    /** For {@link HandlerKind#ERROR}: the class of the failures it handles. */
    private String errorType;
    private List<ParamMetadata> params = new ArrayList<>();

    public HandlerKind getKind() {
        return kind;
    }

    public void setKind(HandlerKind kind) {
        this.kind = kind;
    }

    public String getEvent() {
        return event;
    }

    public void setEvent(String event) {
        this.event = event;
    }

    public String getEmit() {
        return emit;
    }

    public void setEmit(String emit) {
        this.emit = emit;
    }

    public String getInvokerClass() {
        return invokerClass;
    }

    public void setInvokerClass(String invokerClass) {
        this.invokerClass = invokerClass;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public ExecutionModel getExecutionModel() {
        return executionModel;
    }

    public void setExecutionModel(ExecutionModel executionModel) {
        this.executionModel = executionModel;
    }

    public ReturnKind getReturnKind() {
        return returnKind;
    }

    public void setReturnKind(ReturnKind returnKind) {
        this.returnKind = returnKind;
    }

    public boolean isAutoAck() {
        return autoAck;
    }

    public void setAutoAck(boolean autoAck) {
        this.autoAck = autoAck;
    }

    public String getErrorType() {
        return errorType;
    }

    public void setErrorType(String errorType) {
        this.errorType = errorType;
    }

    public List<ParamMetadata> getParams() {
        return params;
    }

    public void setParams(List<ParamMetadata> params) {
        this.params = params;
    }
}
