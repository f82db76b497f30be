package io.quarkiverse.socketio.deployment;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import jakarta.inject.Singleton;

import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.Type;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.deployment.SocketIOEndpointBuildItem.HandlerMethod;
import io.quarkiverse.socketio.runtime.declarative.DeclarativeEndpoints;
import io.quarkiverse.socketio.runtime.declarative.DeclarativeRegistrar;
import io.quarkiverse.socketio.runtime.declarative.EndpointMetadata;
import io.quarkiverse.socketio.runtime.declarative.HandlerMetadata;
import io.quarkiverse.socketio.runtime.declarative.SocketIODeclarativeRecorder;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.deployment.BeanArchiveIndexBuildItem;
import io.quarkus.arc.deployment.BeanDefiningAnnotationBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.arc.deployment.UnremovableBeanBuildItem;
import io.quarkus.builder.item.SimpleBuildItem;
import io.quarkus.deployment.GeneratedClassGizmoAdaptor;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.GeneratedClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveHierarchyBuildItem;
import io.quarkus.deployment.execannotations.ExecutionModelAnnotationsAllowedBuildItem;
import io.quarkus.gizmo.ClassOutput;

/**
 * The declarative programming model: finds the {@link io.quarkiverse.socketio.SocketIO} beans, validates them,
 * generates an invoker per handler method, registers what the native image needs, and hands the result to the runtime,
 * which binds the beans to their namespaces through the programmatic API.
 */
class DeclarativeProcessor {

    /** The validated endpoints, with the names of their generated invokers filled in. */
    public static final class DeclarativeEndpointsBuildItem extends SimpleBuildItem {
        final List<EndpointMetadata> endpoints;

        DeclarativeEndpointsBuildItem(List<EndpointMetadata> endpoints) {
            this.endpoints = endpoints;
        }
    }

    private static final Set<DotName> NOT_REFLECTIVE = Set.of(DotName.createSimple(String.class),
            DotName.createSimple(Object.class), DotName.createSimple(byte[].class),
            DotName.createSimple("io.vertx.core.buffer.Buffer"), DotName.createSimple("io.vertx.core.json.JsonObject"),
            DotName.createSimple("io.vertx.core.json.JsonArray"));

    /** A class annotated with {@code @SocketIO} is a bean, {@code @Singleton} unless it declares a scope. */
    @BuildStep
    BeanDefiningAnnotationBuildItem beanDefiningAnnotation() {
        return new BeanDefiningAnnotationBuildItem(SocketIODotNames.SOCKET_IO, SocketIODotNames.SINGLETON);
    }

    /** {@code @Blocking}, {@code @NonBlocking} and {@code @RunOnVirtualThread} are meaningful on handler methods. */
    @BuildStep
    ExecutionModelAnnotationsAllowedBuildItem executionModelAnnotations() {
        return new ExecutionModelAnnotationsAllowedBuildItem(new Predicate<MethodInfo>() {
            @Override
            public boolean test(MethodInfo method) {
                return SocketIODotNames.CALLBACKS.stream().anyMatch(method::hasDeclaredAnnotation);
            }
        });
    }

    @BuildStep
    void collectEndpoints(BeanArchiveIndexBuildItem beanArchiveIndex, CombinedIndexBuildItem combinedIndex,
            BuildProducer<SocketIOEndpointBuildItem> endpoints,
            BuildProducer<UnremovableBeanBuildItem> unremovableBeans) {
        List<SocketIOEndpointBuildItem> found = new EndpointScanner(beanArchiveIndex.getIndex(),
                combinedIndex.getIndex()).scan();
        Set<String> beanClasses = new LinkedHashSet<>();
        for (SocketIOEndpointBuildItem endpoint : found) {
            endpoints.produce(endpoint);
            beanClasses.add(endpoint.beanClass.name().toString());
        }
        if (!beanClasses.isEmpty()) {
            // looked up by the registrar, never injected
            unremovableBeans.produce(UnremovableBeanBuildItem.beanClassNames(beanClasses));
        }
    }

    @BuildStep
    DeclarativeEndpointsBuildItem generateInvokers(List<SocketIOEndpointBuildItem> endpoints,
            CombinedIndexBuildItem combinedIndex,
            BuildProducer<GeneratedClassBuildItem> generatedClasses,
            BuildProducer<ReflectiveClassBuildItem> reflectiveClasses,
            BuildProducer<ReflectiveHierarchyBuildItem> reflectiveHierarchy) {
        ClassOutput output = new GeneratedClassGizmoAdaptor(generatedClasses, true);
        IndexView index = combinedIndex.getIndex();
        List<EndpointMetadata> result = new ArrayList<>();
        Set<String> invokers = new LinkedHashSet<>();
        // loaded by name when the application starts
        Set<String> loadedByName = new LinkedHashSet<>();
        for (SocketIOEndpointBuildItem endpoint : endpoints) {
            EndpointMetadata metadata = new EndpointMetadata();
            metadata.setBeanClass(endpoint.beanClass.name().toString());
            metadata.setNamespace(endpoint.namespace);
            metadata.setNamespacePattern(endpoint.namespacePattern);
            loadedByName.add(metadata.getBeanClass());
            for (HandlerMethod handler : endpoint.handlers) {
                HandlerMetadata handlerMetadata = handler.metadata();
                handlerMetadata.setInvokerClass(InvokerGenerator.generate(output, endpoint.beanClass, handler.method()));
                invokers.add(handlerMetadata.getInvokerClass());
                if (handlerMetadata.getErrorType() != null) {
                    loadedByName.add(handlerMetadata.getErrorType());
                }
                String source = "socketio-cluster " + handlerMetadata.getKind().annotation() + " "
                        + handlerMetadata.getDescription();
                for (Type payload : handler.payloadTypes()) {
                    // Jackson builds the JavaType from the canonical name: each class in it is loaded by name
                    collectClassNames(payload, loadedByName);
                    registerForJackson(payload, index, source, reflectiveHierarchy);
                }
                if (handler.ackType() != null) {
                    registerForJackson(handler.ackType(), index, source, reflectiveHierarchy);
                }
                metadata.getHandlers().add(handlerMetadata);
            }
            result.add(metadata);
        }
        if (!invokers.isEmpty()) {
            reflectiveClasses.produce(ReflectiveClassBuildItem.builder(invokers.toArray(String[]::new))
                    .constructors().reason("socketio-cluster generated invokers").build());
        }
        if (!loadedByName.isEmpty()) {
            reflectiveClasses.produce(ReflectiveClassBuildItem.builder(loadedByName.toArray(String[]::new))
                    .constructors(false).reason("socketio-cluster classes loaded by name at startup").build());
        }
        return new DeclarativeEndpointsBuildItem(result);
    }

    /**
     * The bean that binds the endpoints to their namespaces at startup. Always present (with no endpoints it does
     * nothing): deciding from the bean archive would make bean discovery depend on itself.
     */
    @BuildStep
    AdditionalBeanBuildItem registrar() {
        return AdditionalBeanBuildItem.unremovableOf(DeclarativeRegistrar.class);
    }

    @BuildStep
    @Record(ExecutionTime.STATIC_INIT)
    SyntheticBeanBuildItem registerEndpoints(SocketIODeclarativeRecorder recorder,
            DeclarativeEndpointsBuildItem endpoints) {
        return SyntheticBeanBuildItem.configure(DeclarativeEndpoints.class)
                .scope(Singleton.class)
                .unremovable()
                .supplier(recorder.endpoints(endpoints.endpoints))
                .done();
    }

    /** Registers a type bound or written by Jackson, with its hierarchy, its fields and their types. */
    private static void registerForJackson(Type type, IndexView index, String source,
            BuildProducer<ReflectiveHierarchyBuildItem> reflectiveHierarchy) {
        if (type.kind() == Type.Kind.PRIMITIVE || type.kind() == Type.Kind.VOID || NOT_REFLECTIVE.contains(type.name())
                || isJsonNode(type)) {
            return;
        }
        reflectiveHierarchy.produce(ReflectiveHierarchyBuildItem.builder(type)
                .index(index)
                .source(source)
                .build());
    }

    /** Jackson's own tree types ({@code JsonNode}, {@code ObjectNode}...): nothing to register. */
    private static boolean isJsonNode(Type type) {
        String name = type.name().toString();
        return name.startsWith(JsonNode.class.getPackageName() + ".node.") || name.equals(JsonNode.class.getName());
    }

    /** The classes named by a type, type arguments and array elements included, except primitives. */
    private static void collectClassNames(Type type, Set<String> names) {
        switch (type.kind()) {
            case CLASS -> names.add(type.name().toString());
            case ARRAY -> {
                Type element = type.asArrayType().elementType();
                if (element.kind() != Type.Kind.PRIMITIVE) {
                    names.add(type.name().toString());
                    collectClassNames(element, names);
                }
            }
            case PARAMETERIZED_TYPE -> {
                names.add(type.name().toString());
                type.asParameterizedType().arguments().forEach(argument -> collectClassNames(argument, names));
            }
            case WILDCARD_TYPE -> {
                if (type.asWildcardType().superBound() == null) {
                    collectClassNames(type.asWildcardType().extendsBound(), names);
                }
            }
            default -> {
            }
        }
    }
}
