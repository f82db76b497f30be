package io.quarkiverse.socketio.deployment;

import java.util.Map;

import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.PrimitiveType;
import org.jboss.jandex.Type;

import io.quarkiverse.socketio.runtime.declarative.SocketIOInvoker;
import io.quarkus.gizmo.ClassCreator;
import io.quarkus.gizmo.ClassOutput;
import io.quarkus.gizmo.MethodCreator;
import io.quarkus.gizmo.MethodDescriptor;
import io.quarkus.gizmo.ResultHandle;

/**
 * Generates one {@link SocketIOInvoker} per handler method: {@code invoke(bean, args)} casts the bean and each argument
 * to the method's types (unboxing primitives), calls the method directly, and returns its result (boxed, or null for
 * {@code void}). The class is generated in the bean's package, so that package-private methods can be called.
 */
final class InvokerGenerator {

    static final String SUFFIX = "_SocketIOInvoker_";

    private record Primitive(Class<?> type, Class<?> box) {
    }

    private static final Map<PrimitiveType.Primitive, Primitive> PRIMITIVES = Map.of(
            PrimitiveType.Primitive.BOOLEAN, new Primitive(boolean.class, Boolean.class),
            PrimitiveType.Primitive.BYTE, new Primitive(byte.class, Byte.class),
            PrimitiveType.Primitive.SHORT, new Primitive(short.class, Short.class),
            PrimitiveType.Primitive.CHAR, new Primitive(char.class, Character.class),
            PrimitiveType.Primitive.INT, new Primitive(int.class, Integer.class),
            PrimitiveType.Primitive.LONG, new Primitive(long.class, Long.class),
            PrimitiveType.Primitive.FLOAT, new Primitive(float.class, Float.class),
            PrimitiveType.Primitive.DOUBLE, new Primitive(double.class, Double.class));

    private InvokerGenerator() {
    }

    /**
     * The name of the invoker of a method for a bean: stable from one build to the next. It is in the package of the
     * method's class (for package-private access); the bean is part of the name, since two beans may inherit one
     * method.
     */
    static String invokerName(ClassInfo bean, MethodInfo method) {
        String descriptor = bean.name() + "#" + method.name() + method.parameterTypes() + method.returnType();
        return method.declaringClass().name().toString() + SUFFIX + method.name() + "_"
                + Integer.toHexString(descriptor.hashCode());
    }

    static String generate(ClassOutput output, ClassInfo bean, MethodInfo method) {
        String name = invokerName(bean, method);
        try (ClassCreator creator = ClassCreator.builder()
                .classOutput(output)
                .className(name)
                .interfaces(SocketIOInvoker.class)
                .setFinal(true)
                .build()) {
            MethodCreator invoke = creator.getMethodCreator("invoke", Object.class, Object.class, Object[].class);
            invoke.addException(Exception.class);
            ResultHandle target = invoke.checkCast(invoke.getMethodParam(0), method.declaringClass().name().toString());
            ResultHandle args = invoke.getMethodParam(1);
            ResultHandle[] values = new ResultHandle[method.parametersCount()];
            for (int i = 0; i < values.length; i++) {
                Type type = method.parameterType(i);
                ResultHandle arg = invoke.readArrayValue(args, i);
                if (type.kind() == Type.Kind.PRIMITIVE) {
                    Primitive primitive = PRIMITIVES.get(type.asPrimitiveType().primitive());
                    ResultHandle boxed = invoke.checkCast(arg, primitive.box());
                    values[i] = invoke.invokeVirtualMethod(MethodDescriptor.ofMethod(primitive.box(),
                            primitive.type().getName() + "Value", primitive.type()), boxed);
                } else {
                    values[i] = invoke.checkCast(arg, type.name().toString());
                }
            }
            // virtual dispatch: an inherited handler runs the bean's override, if any
            ResultHandle result = method.declaringClass().isInterface()
                    ? invoke.invokeInterfaceMethod(MethodDescriptor.of(method), target, values)
                    : invoke.invokeVirtualMethod(MethodDescriptor.of(method), target, values);
            Type returnType = method.returnType();
            if (returnType.kind() == Type.Kind.VOID) {
                invoke.returnNull();
            } else if (returnType.kind() == Type.Kind.PRIMITIVE) {
                Primitive primitive = PRIMITIVES.get(returnType.asPrimitiveType().primitive());
                invoke.returnValue(invoke.invokeStaticMethod(
                        MethodDescriptor.ofMethod(primitive.box(), "valueOf", primitive.box(), primitive.type()), result));
            } else {
                invoke.returnValue(result);
            }
        }
        return name;
    }
}
