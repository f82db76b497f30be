package io.quarkiverse.socketio.runtime.cluster.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** The numbers of the cluster's frames and control messages: big-endian (network order) in byte arrays. */
final class BigEndian {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private BigEndian() {
    }

    /** The low 16 bits of {@code v} at {@code at}. */
    static void putShort(byte[] b, int at, int v) {
        SHORT.set(b, at, (short) v);
    }

    /** The 16 bits at {@code at}, unsigned (0 to 65535). */
    static int getUnsignedShort(byte[] b, int at) {
        return (short) SHORT.get(b, at) & 0xFFFF;
    }

    static void putInt(byte[] b, int at, int v) {
        INT.set(b, at, v);
    }

    static int getInt(byte[] b, int at) {
        return (int) INT.get(b, at);
    }

    static void putLong(byte[] b, int at, long v) {
        LONG.set(b, at, v);
    }

    static long getLong(byte[] b, int at) {
        return (long) LONG.get(b, at);
    }
}
