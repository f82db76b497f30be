package io.quarkiverse.socketio.deployment;

import static io.quarkiverse.socketio.deployment.SocketIODotNames.*;

import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.Type;

import io.quarkiverse.socketio.deployment.SocketIOEndpointBuildItem.HandlerMethod;
import io.quarkiverse.socketio.runtime.declarative.ExecutionModel;
import io.quarkiverse.socketio.runtime.declarative.HandlerKind;
import io.quarkiverse.socketio.runtime.declarative.HandlerMetadata;
import io.quarkiverse.socketio.runtime.declarative.ParamKind;
import io.quarkiverse.socketio.runtime.declarative.ParamMetadata;
import io.quarkiverse.socketio.runtime.declarative.ReturnKind;

/**
 * Finds the {@link io.quarkiverse.socketio.SocketIO} beans in the index and validates them. Every problem is collected;
 * the build fails once, with all of them, each naming the class, the method and the fix.
 */
final class EndpointScanner {

    /** Event names Socket.IO keeps for itself (the Node.js server refuses to emit them). */
    static final Set<String> RESERVED_EVENTS = Set.of("connect", "connect_error", "disconnect", "disconnecting",
            "newListener", "removeListener");

    private final IndexView beanIndex;
    private final IndexView fullIndex;
    private final List<String> errors = new ArrayList<>();

    EndpointScanner(IndexView beanIndex, IndexView fullIndex) {
        this.beanIndex = beanIndex;
        this.fullIndex = fullIndex;
    }

    List<SocketIOEndpointBuildItem> scan() {
        checkStrayCallbacks();
        List<ClassInfo> beans = beanIndex.getAnnotations(SOCKET_IO).stream()
                .filter(a -> a.target().kind() == AnnotationTarget.Kind.CLASS)
                .map(a -> a.target().asClass())
                .distinct()
                .sorted(Comparator.comparing(c -> c.name().toString()))
                .toList();
        Map<String, ClassInfo> owners = new LinkedHashMap<>();
        List<SocketIOEndpointBuildItem> endpoints = new ArrayList<>();
        for (ClassInfo bean : beans) {
            SocketIOEndpointBuildItem endpoint = scanBean(bean);
            if (endpoint == null) {
                continue;
            }
            String key = endpoint.namespace != null ? "namespace " + endpoint.namespace
                    : "namespace pattern " + endpoint.namespacePattern;
            ClassInfo owner = owners.putIfAbsent(key, bean);
            if (owner != null) {
                String what = endpoint.namespace != null ? "Namespace " + endpoint.namespace
                        : "Namespace pattern " + endpoint.namespacePattern;
                errors.add(what + " is declared by two @SocketIO beans: " + owner.name() + " and " + bean.name()
                        + ". Keep one bean per namespace: move the handlers into one of them (the other can be "
                        + "injected into it to share code).");
                continue;
            }
            endpoints.add(endpoint);
        }
        if (!errors.isEmpty()) {
            throw new SocketIODefinitionException("Invalid @SocketIO beans:\n\t- " + String.join("\n\t- ", errors));
        }
        return endpoints;
    }

    /**
     * Handler annotations on methods of classes without {@code @SocketIO} that are not a superclass or an interface of
     * a {@code @SocketIO} bean either.
     */
    private void checkStrayCallbacks() {
        Set<DotName> inherited = new HashSet<>();
        for (AnnotationInstance annotation : beanIndex.getAnnotations(SOCKET_IO)) {
            if (annotation.target().kind() == AnnotationTarget.Kind.CLASS) {
                hierarchy(annotation.target().asClass()).forEach(c -> inherited.add(c.name()));
            }
        }
        for (DotName callback : CALLBACKS) {
            for (AnnotationInstance annotation : fullIndex.getAnnotations(callback)) {
                if (annotation.target().kind() != AnnotationTarget.Kind.METHOD) {
                    continue;
                }
                MethodInfo method = annotation.target().asMethod();
                if (!method.declaringClass().hasDeclaredAnnotation(SOCKET_IO)
                        && !inherited.contains(method.declaringClass().name())) {
                    errors.add("@" + callback.withoutPackagePrefix() + " on " + describe(method)
                            + " is ignored: its class is not a @SocketIO bean, nor a superclass or an interface of "
                            + "one. Annotate " + method.declaringClass().name()
                            + " with @SocketIO(namespace = \"/...\"), or extend it with a @SocketIO bean.");
                }
            }
        }
    }

    private SocketIOEndpointBuildItem scanBean(ClassInfo bean) {
        int errorsBefore = errors.size();
        AnnotationInstance annotation = bean.declaredAnnotation(SOCKET_IO);
        AnnotationValue namespaceValue = annotation.value("namespace");
        AnnotationValue patternValue = annotation.value("namespacePattern");
        String pattern = patternValue == null ? "" : patternValue.asString();
        String namespace = null;
        String namespacePattern = null;
        if (!pattern.isEmpty()) {
            if (namespaceValue != null) {
                errors.add("@SocketIO on " + bean.name() + " sets both namespace and namespacePattern. Set only one: "
                        + "namespace for one namespace, namespacePattern for dynamic namespaces.");
            }
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                errors.add("@SocketIO(namespacePattern = \"" + pattern + "\") on " + bean.name()
                        + " is not a valid Java regular expression (" + e.getDescription() + " at index " + e.getIndex()
                        + "). Fix the pattern.");
            }
            namespacePattern = pattern;
        } else {
            String name = namespaceValue == null ? "/" : namespaceValue.asString().trim();
            if (name.isEmpty()) {
                errors.add("@SocketIO on " + bean.name() + " has an empty namespace. Use \"/\" for the main namespace, "
                        + "or a name such as \"/chat\".");
            }
            namespace = name.startsWith("/") ? name : "/" + name;
        }
        if (bean.isInterface() || Modifier.isAbstract(bean.flags())) {
            errors.add("@SocketIO class " + bean.name() + " is abstract: it must be a concrete class, the bean whose "
                    + "methods handle the namespace. Make it concrete, or move @SocketIO to a concrete subclass.");
        }
        if (bean.nestingType() == ClassInfo.NestingType.INNER && !Modifier.isStatic(bean.flags())) {
            errors.add("@SocketIO class " + bean.name() + " is an inner class: it cannot be a bean. Make it static, or "
                    + "a top-level class.");
        }
        for (DotName scope : UNSUPPORTED_SCOPES) {
            if (bean.hasDeclaredAnnotation(scope)) {
                errors.add("@SocketIO class " + bean.name() + " is @" + scope.withoutPackagePrefix()
                        + ": a namespace bean lives as long as the application. Remove @" + scope.withoutPackagePrefix()
                        + " (the bean is then @Singleton) or use @ApplicationScoped.");
            }
        }
        String where = namespace != null ? "namespace " + namespace : "namespace pattern " + namespacePattern;

        List<HandlerMethod> handlers = new ArrayList<>();
        Map<String, MethodInfo> eventHandlers = new HashMap<>();
        Map<HandlerKind, MethodInfo> singles = new EnumMap<>(HandlerKind.class);
        Map<DotName, MethodInfo> errorHandlers = new HashMap<>();
        for (MethodInfo method : annotatedMethods(bean)) {
            List<DotName> present = CALLBACKS.stream().filter(method::hasDeclaredAnnotation).toList();
            if (present.size() > 1) {
                errors.add(describe(method) + " is annotated with " + present.stream()
                        .map(n -> "@" + n.withoutPackagePrefix()).collect(Collectors.joining(" and "))
                        + ". Keep one: each handler method has one role.");
                continue;
            }
            HandlerKind kind = kindOf(present.get(0));
            if (Modifier.isPrivate(method.flags())) {
                errors.add(label(kind, method) + " " + describe(method) + " is private: the generated invoker cannot "
                        + "call it. Make it package-private, protected or public.");
                continue;
            }
            if (Modifier.isStatic(method.flags())) {
                errors.add(label(kind, method) + " " + describe(method) + " is static. Make it an instance method of "
                        + "the bean.");
                continue;
            }
            HandlerMethod handler = scanMethod(bean, method, kind);
            if (handler == null) {
                continue;
            }
            switch (kind) {
                case EVENT -> {
                    String event = handler.metadata().getEvent();
                    MethodInfo previous = eventHandlers.putIfAbsent(event, method);
                    if (previous != null) {
                        errors.add("@OnEvent(\"" + event + "\") is declared twice in " + where + ": "
                                + describe(previous) + " and " + describe(method)
                                + ". Keep one handler per event.");
                        continue;
                    }
                }
                case ERROR -> {
                    DotName errorType = DotName.createSimple(handler.metadata().getErrorType());
                    MethodInfo previous = errorHandlers.putIfAbsent(errorType, method);
                    if (previous != null) {
                        errors.add("@OnError for " + errorType + " is declared twice on " + bean.name() + ": "
                                + describe(previous) + " and " + describe(method)
                                + ". Keep one error handler per exception type.");
                        continue;
                    }
                }
                default -> {
                    MethodInfo previous = singles.putIfAbsent(kind, method);
                    if (previous != null) {
                        errors.add(kind.annotation() + " is declared twice on " + bean.name() + ": " + describe(previous)
                                + " and " + describe(method) + ". "
                                + (kind == HandlerKind.MIDDLEWARE
                                        ? "Merge them into one method, or add further middlewares with "
                                                + "SocketIONamespace.use(...)."
                                        : "Keep one " + kind.annotation() + " method per bean: merge them into one."));
                        continue;
                    }
                }
            }
            handlers.add(handler);
        }
        if (errors.size() > errorsBefore) {
            return null;
        }
        return new SocketIOEndpointBuildItem(bean, namespace, namespacePattern, handlers);
    }

    /**
     * The bean's methods that carry a handler annotation, then those of its superclasses, then those of its interfaces
     * (default and abstract methods). A method overridden or implemented further down counts once: the nearest
     * declaration that carries a handler annotation, called through the bean, so the override is what runs (as for
     * JAX-RS annotations on an interface). Private and static methods are not inherited: each counts for itself, and
     * is then refused.
     */
    private List<MethodInfo> annotatedMethods(ClassInfo bean) {
        List<MethodInfo> found = new ArrayList<>();
        Set<String> signatures = new HashSet<>();
        for (ClassInfo type : hierarchy(bean)) {
            for (MethodInfo method : type.methodsInDeclarationOrder()) {
                // javac copies annotations onto bridge methods: the real method is the handler
                if (method.isSynthetic() || (method.flags() & BRIDGE) != 0
                        || CALLBACKS.stream().noneMatch(method::hasDeclaredAnnotation)) {
                    continue;
                }
                boolean inheritable = !Modifier.isPrivate(method.flags()) && !Modifier.isStatic(method.flags());
                if (!inheritable || signatures.add(signature(method))) {
                    found.add(method);
                }
            }
        }
        return found;
    }

    private static final int BRIDGE = 0x0040;

    /** Name and erased parameter types: what an override has in common with the method it overrides. */
    private static String signature(MethodInfo method) {
        return method.name() + method.parameterTypes().stream().map(t -> t.name().toString())
                .collect(Collectors.joining(",", "(", ")"));
    }

    /**
     * The class, its superclasses up to {@code Object} (excluded), then the interfaces of all of them and their
     * superinterfaces, each once; classes outside the index are skipped (they cannot be scanned).
     */
    private List<ClassInfo> hierarchy(ClassInfo bean) {
        List<ClassInfo> classes = new ArrayList<>();
        for (ClassInfo c = bean; c != null && !c.name().equals(OBJECT); c = c.superName() == null ? null
                : fullIndex.getClassByName(c.superName())) {
            classes.add(c);
        }
        Set<DotName> seen = new HashSet<>();
        ArrayDeque<DotName> interfaces = new ArrayDeque<>();
        classes.forEach(c -> interfaces.addAll(c.interfaceNames()));
        List<ClassInfo> result = new ArrayList<>(classes);
        while (!interfaces.isEmpty()) {
            DotName name = interfaces.poll();
            ClassInfo info = seen.add(name) ? fullIndex.getClassByName(name) : null;
            if (info != null) {
                result.add(info);
                interfaces.addAll(info.interfaceNames());
            }
        }
        return result;
    }

    private static HandlerKind kindOf(DotName annotation) {
        if (annotation.equals(MIDDLEWARE)) {
            return HandlerKind.MIDDLEWARE;
        } else if (annotation.equals(ON_CONNECT)) {
            return HandlerKind.CONNECT;
        } else if (annotation.equals(ON_EVENT)) {
            return HandlerKind.EVENT;
        } else if (annotation.equals(ON_ANY_EVENT)) {
            return HandlerKind.ANY_EVENT;
        } else if (annotation.equals(ON_DISCONNECT)) {
            return HandlerKind.DISCONNECT;
        }
        return HandlerKind.ERROR;
    }

    /** Validates one handler method; null when it is not valid (the errors are recorded). */
    private HandlerMethod scanMethod(ClassInfo bean, MethodInfo method, HandlerKind kind) {
        int errorsBefore = errors.size();
        String label = label(kind, method);
        String described = label + " " + describe(method);
        HandlerMetadata metadata = new HandlerMetadata();
        metadata.setKind(kind);
        metadata.setDescription(describe(method));

        if (kind == HandlerKind.EVENT) {
            AnnotationValue value = method.declaredAnnotation(ON_EVENT).value();
            String event = value == null ? "" : value.asString();
            if (event.isBlank()) {
                errors.add("@OnEvent on " + describe(method) + " has no event name. Name the event it handles: "
                        + "@OnEvent(\"message\").");
            } else if (RESERVED_EVENTS.contains(event)) {
                errors.add(label + " on " + describe(method) + " uses a reserved event name: "
                        + RESERVED_EVENTS.stream().sorted().collect(Collectors.joining(", "))
                        + " are reserved by Socket.IO. Use @OnConnect or @OnDisconnect for connections and "
                        + "disconnections, or rename the event.");
            }
            metadata.setEvent(event);
        }

        // the return type
        Type returnType = method.returnType();
        ReturnKind returnKind = returnKind(returnType);
        Type ackType = null;
        String emit = "";
        if (kind == HandlerKind.EVENT) {
            AnnotationValue emitValue = method.declaredAnnotation(ON_EVENT).value("emit");
            emit = emitValue == null ? "" : emitValue.asString();
        }
        if (returnKind == ReturnKind.MULTI) {
            if (kind != HandlerKind.EVENT) {
                errors.add(described + " returns Multi, which only an @OnEvent method may: it streams its items to "
                        + "the caller. Return a Uni, a CompletionStage or void.");
            } else if (emit.isBlank()) {
                errors.add(described + " returns Multi but names no event for its items. Name it: "
                        + "@OnEvent(value = \"" + metadata.getEvent() + "\", emit = \"item\"); each item is emitted "
                        + "as that event, then <event>:end or <event>:error.");
            } else if (RESERVED_EVENTS.contains(emit)) {
                errors.add(described + " emits its items as the reserved event \"" + emit + "\". Choose another name.");
            } else {
                metadata.setEmit(emit);
                // the items are serialized to the client, as an acknowledgement's value is
                ackType = returnType.kind() == Type.Kind.PARAMETERIZED_TYPE
                        ? returnType.asParameterizedType().arguments().get(0)
                        : null;
            }
        } else {
            switch (kind) {
                case MIDDLEWARE -> {
                    if (!returnKind.acksWithoutArguments()) {
                        errors.add(described + " returns " + returnType + ": a middleware returns void, Uni<Void> or "
                                + "CompletionStage<Void>. Throw (or fail with) ConnectionRejectedException to reject "
                                + "the connection.");
                    }
                }
                case CONNECT, ANY_EVENT, DISCONNECT -> {
                    if (returnKind == ReturnKind.VALUE) {
                        errors.add(described + " returns " + returnType + ", which nothing receives. Return void, or a "
                                + "Uni or CompletionStage that the socket's next handler waits for.");
                    }
                }
                default -> ackType = ackType(returnType, returnKind);
            }
            if (!emit.isEmpty()) {
                errors.add(described + " sets emit = \"" + emit + "\" but returns " + returnType + ": emit names the "
                        + "event of a Multi's items. Return a Multi, or remove emit.");
            }
        }
        metadata.setReturnKind(returnKind);

        // the parameters
        List<Type> payloadTypes = new ArrayList<>();
        int payloadIndex = 0;
        int errorParams = 0;
        boolean takesAck = false;
        boolean takesEvent = false;
        for (int i = 0; i < method.parametersCount(); i++) {
            Type type = method.parameterType(i);
            ParamKind paramKind = classify(type);
            String unsupported = unsupportedReason(kind, paramKind, type);
            if (unsupported != null) {
                errors.add("Unsupported parameter type " + type + " of " + described + ": " + unsupported);
                continue;
            }
            ParamMetadata param = new ParamMetadata(paramKind, -1, null);
            switch (paramKind) {
                case PAYLOAD -> {
                    param.setArgumentIndex(payloadIndex++);
                    param.setJavaType(canonical(type));
                    payloadTypes.add(type);
                }
                case ERROR -> {
                    errorParams++;
                    metadata.setErrorType(type.name().toString());
                }
                case ACK -> takesAck = true;
                case EVENT -> takesEvent = true;
                default -> {
                }
            }
            metadata.getParams().add(param);
        }
        if (kind == HandlerKind.ERROR && errorParams != 1) {
            errors.add(described + (errorParams == 0 ? " takes no exception" : " takes " + errorParams + " exceptions")
                    + ". Declare exactly one parameter of type Throwable or a subtype: the failures it handles, for "
                    + "example IllegalArgumentException.");
        }
        if (takesAck && returnKind != ReturnKind.VOID) {
            errors.add(described + " takes a SocketIOAck and returns " + returnType + ": a handler that answers "
                    + "through SocketIOAck returns void. Return void, or drop the SocketIOAck parameter and return "
                    + "the answer.");
        }
        // the return value acknowledges, unless the method answers itself (SocketIOAck, or SocketIOEvent.ack with void)
        metadata.setAutoAck(kind == HandlerKind.EVENT && !takesAck && !(takesEvent && returnKind == ReturnKind.VOID));

        metadata.setExecutionModel(executionModel(bean, method, returnKind, described));
        if (errors.size() > errorsBefore) {
            return null;
        }
        return new HandlerMethod(method, metadata, payloadTypes, ackType);
    }

    private static String label(HandlerKind kind, MethodInfo method) {
        if (kind == HandlerKind.EVENT) {
            AnnotationValue value = method.declaredAnnotation(ON_EVENT).value();
            return "@OnEvent(\"" + (value == null ? "" : value.asString()) + "\")";
        }
        return kind.annotation();
    }

    private ParamKind classify(Type type) {
        if (type.kind() == Type.Kind.CLASS) {
            DotName name = type.name();
            if (name.equals(SOCKET)) {
                return ParamKind.SOCKET;
            } else if (name.equals(HANDSHAKE)) {
                return ParamKind.HANDSHAKE;
            } else if (name.equals(EVENT)) {
                return ParamKind.EVENT;
            } else if (name.equals(ACK)) {
                return ParamKind.ACK;
            } else if (name.equals(DISCONNECT_REASON)) {
                return ParamKind.DISCONNECT_REASON;
            } else if (isThrowable(name)) {
                return ParamKind.ERROR;
            }
        }
        return ParamKind.PAYLOAD;
    }

    /** Why a parameter is not supported by this kind of handler, with the fix; null when it is supported. */
    private String unsupportedReason(HandlerKind kind, ParamKind param, Type type) {
        String takes = switch (kind) {
            case MIDDLEWARE, CONNECT -> "SocketIOSocket and Handshake";
            case EVENT -> "SocketIOSocket, Handshake, SocketIOEvent, SocketIOAck and the event arguments";
            case ANY_EVENT -> "SocketIOSocket, SocketIOEvent and Handshake";
            case DISCONNECT -> "SocketIOSocket, DisconnectReason and Handshake";
            case ERROR -> "one exception (Throwable or a subtype), SocketIOSocket, SocketIOEvent (null when the failure "
                    + "was not an event's) and Handshake";
        };
        String generic = kind.annotation() + " takes " + takes + ". Remove the parameter (inject beans into the "
                + "@SocketIO class with @Inject).";
        boolean allowed = switch (param) {
            case SOCKET, HANDSHAKE -> true;
            case EVENT -> kind == HandlerKind.EVENT || kind == HandlerKind.ANY_EVENT || kind == HandlerKind.ERROR;
            case ACK -> kind == HandlerKind.EVENT;
            case DISCONNECT_REASON -> kind == HandlerKind.DISCONNECT;
            case ERROR -> kind == HandlerKind.ERROR;
            case PAYLOAD -> kind == HandlerKind.EVENT;
        };
        if (!allowed) {
            return generic;
        }
        if (param != ParamKind.PAYLOAD) {
            return null;
        }
        // an event argument: bound by Jackson to a concrete type
        if (containsTypeVariable(type)) {
            return "an event argument cannot be bound to a type variable. Declare a concrete type.";
        }
        if (type.kind() == Type.Kind.ARRAY
                && type.asArrayType().elementType().kind() == Type.Kind.PARAMETERIZED_TYPE) {
            return "an array of a generic type loses its type arguments at run time. Declare a List instead, for "
                    + "example List<" + type.asArrayType().elementType() + ">.";
        }
        DotName name = type.name();
        if (name.equals(UNI) || name.equals(MULTI) || name.equals(COMPLETION_STAGE) || name.equals(COMPLETABLE_FUTURE)
                || name.equals(FUTURE)) {
            return "an event argument is a value, not a " + name.withoutPackagePrefix() + ". Declare the argument's own "
                    + "type; return a Uni or CompletionStage to answer asynchronously.";
        }
        if (name.equals(SERVER) || name.equals(NAMESPACE) || name.equals(BROADCAST_OPERATOR)
                || name.equals(REMOTE_SOCKET)) {
            return "it is not an event argument. Inject SocketIOServer into the @SocketIO class with @Inject instead.";
        }
        return null;
    }

    private static boolean containsTypeVariable(Type type) {
        return switch (type.kind()) {
            case TYPE_VARIABLE, UNRESOLVED_TYPE_VARIABLE, TYPE_VARIABLE_REFERENCE -> true;
            case PARAMETERIZED_TYPE -> type.asParameterizedType().arguments().stream()
                    .anyMatch(EndpointScanner::containsTypeVariable);
            case ARRAY -> containsTypeVariable(type.asArrayType().elementType());
            case WILDCARD_TYPE -> type.asWildcardType().superBound() == null
                    && containsTypeVariable(type.asWildcardType().extendsBound());
            default -> false;
        };
    }

    /** Whether the class is Throwable or a subclass, through the index, or by loading it when not indexed (JDK). */
    private boolean isThrowable(DotName name) {
        DotName current = name;
        while (current != null && !current.equals(OBJECT)) {
            if (current.equals(THROWABLE)) {
                return true;
            }
            ClassInfo info = fullIndex.getClassByName(current);
            if (info == null) {
                try {
                    Class<?> loaded = Class.forName(current.toString(), false,
                            Thread.currentThread().getContextClassLoader());
                    return Throwable.class.isAssignableFrom(loaded);
                } catch (ClassNotFoundException | LinkageError e) {
                    return false;
                }
            }
            current = info.superName();
        }
        return false;
    }

    static ReturnKind returnKind(Type type) {
        DotName name = type.name();
        if (type.kind() == Type.Kind.VOID) {
            return ReturnKind.VOID;
        }
        if (name.equals(UNI)) {
            return isVoidArgument(type) ? ReturnKind.UNI_VOID : ReturnKind.UNI;
        }
        if (name.equals(MULTI)) {
            return ReturnKind.MULTI;
        }
        if (name.equals(COMPLETION_STAGE) || name.equals(COMPLETABLE_FUTURE)) {
            return isVoidArgument(type) ? ReturnKind.COMPLETION_STAGE_VOID : ReturnKind.COMPLETION_STAGE;
        }
        return ReturnKind.VALUE;
    }

    private static boolean isVoidArgument(Type type) {
        return type.kind() == Type.Kind.PARAMETERIZED_TYPE
                && type.asParameterizedType().arguments().get(0).name().equals(VOID);
    }

    /** The type of the acknowledgement's value, or null when there is none. */
    private static Type ackType(Type returnType, ReturnKind kind) {
        if (kind.acksWithoutArguments()) {
            return null;
        }
        if (kind == ReturnKind.VALUE) {
            return returnType;
        }
        return returnType.kind() == Type.Kind.PARAMETERIZED_TYPE ? returnType.asParameterizedType().arguments().get(0)
                : null;
    }

    private ExecutionModel executionModel(ClassInfo bean, MethodInfo method, ReturnKind returnKind, String described) {
        ExecutionModel declared = declaredModel(method, described);
        if (declared == null) {
            declared = declaredModel(method.declaringClass(), method.declaringClass().name().toString());
        }
        if (declared == null && !bean.equals(method.declaringClass())) {
            // an inherited handler: the bean's class-level annotation, as for its own handlers
            declared = declaredModel(bean, bean.name().toString());
        }
        if (declared != null) {
            return declared;
        }
        // as in websockets-next: a reactive signature runs on the event loop, a blocking one on a worker thread
        return returnKind.isUni() || returnKind.isCompletionStage() || returnKind == ReturnKind.MULTI
                ? ExecutionModel.EVENT_LOOP
                : ExecutionModel.WORKER;
    }

    private ExecutionModel declaredModel(AnnotationTarget target, String described) {
        List<DotName> present = List.of(RUN_ON_VIRTUAL_THREAD, BLOCKING, NON_BLOCKING).stream()
                .filter(target::hasDeclaredAnnotation)
                .toList();
        if (present.size() > 1) {
            errors.add(described + " is annotated with " + present.stream().map(n -> "@" + n.withoutPackagePrefix())
                    .collect(Collectors.joining(" and ")) + ". Keep one: where it runs must be unambiguous.");
            return null;
        }
        if (present.isEmpty()) {
            return null;
        }
        DotName model = present.get(0);
        return model.equals(RUN_ON_VIRTUAL_THREAD) ? ExecutionModel.VIRTUAL_THREAD
                : model.equals(BLOCKING) ? ExecutionModel.WORKER : ExecutionModel.EVENT_LOOP;
    }

    /** The type in Jackson's canonical form ({@code TypeFactory.constructFromCanonical}), arrays erased. */
    static String canonical(Type type) {
        return switch (type.kind()) {
            case PRIMITIVE -> type.asPrimitiveType().primitive().name().toLowerCase(java.util.Locale.ROOT);
            case CLASS, ARRAY -> type.name().toString();
            case PARAMETERIZED_TYPE -> type.name() + type.asParameterizedType().arguments().stream()
                    .map(EndpointScanner::canonical).collect(Collectors.joining(",", "<", ">"));
            case WILDCARD_TYPE -> type.asWildcardType().superBound() != null ? Object.class.getName()
                    : canonical(type.asWildcardType().extendsBound());
            default -> throw new IllegalArgumentException("No canonical form for " + type);
        };
    }

    /** {@code com.acme.Chat#message(SocketIOSocket, ChatMessage)} */
    static String describe(MethodInfo method) {
        return method.declaringClass().name() + "#" + method.name() + method.parameterTypes().stream()
                .map(EndpointScanner::simpleName).collect(Collectors.joining(", ", "(", ")"));
    }

    private static String simpleName(Type type) {
        return switch (type.kind()) {
            case ARRAY -> simpleName(type.asArrayType().elementType())
                    + "[]".repeat(type.asArrayType().deepDimensions());
            case PARAMETERIZED_TYPE -> type.name().withoutPackagePrefix() + type.asParameterizedType().arguments()
                    .stream().map(EndpointScanner::simpleName).collect(Collectors.joining(", ", "<", ">"));
            case CLASS -> type.name().withoutPackagePrefix();
            default -> type.toString();
        };
    }
}
