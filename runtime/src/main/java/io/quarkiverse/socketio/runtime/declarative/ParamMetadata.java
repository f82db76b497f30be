package io.quarkiverse.socketio.runtime.declarative;

/**
 * A handler parameter, as found at build time. Recorded: a bean with a no-argument constructor and accessors.
 */
public class ParamMetadata {

    private ParamKind kind;
    /** For {@link ParamKind#PAYLOAD}: the index of the event argument (0 = the first after the name). */
    private int argumentIndex;
    /**
     * For {@link ParamKind#PAYLOAD}: the parameter's generic type in Jackson's canonical form, for example
     * {@code java.util.List<com.acme.Item>}.
     */
    private String javaType;

    public ParamMetadata() {
    }

    public ParamMetadata(ParamKind kind, int argumentIndex, String javaType) {
        this.kind = kind;
        this.argumentIndex = argumentIndex;
        this.javaType = javaType;
    }

    public ParamKind getKind() {
        return kind;
    }

    public void setKind(ParamKind kind) {
        this.kind = kind;
    }

    public int getArgumentIndex() {
        return argumentIndex;
    }

    public void setArgumentIndex(int argumentIndex) {
        this.argumentIndex = argumentIndex;
    }

    public String getJavaType() {
        return javaType;
    }

    public void setJavaType(String javaType) {
        this.javaType = javaType;
    }
}
