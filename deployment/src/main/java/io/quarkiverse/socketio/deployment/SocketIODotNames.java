package io.quarkiverse.socketio.deployment;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.jboss.jandex.DotName;

import io.quarkiverse.socketio.BroadcastOperator;
import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.Middleware;
import io.quarkiverse.socketio.OnAnyEvent;
import io.quarkiverse.socketio.OnConnect;
import io.quarkiverse.socketio.OnDisconnect;
import io.quarkiverse.socketio.OnError;
import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.SocketIO;
import io.quarkiverse.socketio.SocketIOAck;
import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.SocketIOSocket;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

final class SocketIODotNames {

    static final DotName SOCKET_IO = DotName.createSimple(SocketIO.class);
    static final DotName ON_CONNECT = DotName.createSimple(OnConnect.class);
    static final DotName ON_EVENT = DotName.createSimple(OnEvent.class);
    static final DotName ON_ANY_EVENT = DotName.createSimple(OnAnyEvent.class);
    static final DotName ON_DISCONNECT = DotName.createSimple(OnDisconnect.class);
    static final DotName ON_ERROR = DotName.createSimple(OnError.class);
    static final DotName MIDDLEWARE = DotName.createSimple(Middleware.class);
    static final List<DotName> CALLBACKS = List.of(MIDDLEWARE, ON_CONNECT, ON_EVENT, ON_ANY_EVENT, ON_DISCONNECT,
            ON_ERROR);

    static final DotName SOCKET = DotName.createSimple(SocketIOSocket.class);
    static final DotName HANDSHAKE = DotName.createSimple(Handshake.class);
    static final DotName EVENT = DotName.createSimple(SocketIOEvent.class);
    static final DotName ACK = DotName.createSimple(SocketIOAck.class);
    static final DotName DISCONNECT_REASON = DotName.createSimple(DisconnectReason.class);
    static final DotName SERVER = DotName.createSimple(SocketIOServer.class);
    static final DotName NAMESPACE = DotName.createSimple(SocketIONamespace.class);
    static final DotName BROADCAST_OPERATOR = DotName.createSimple(BroadcastOperator.class);
    static final DotName REMOTE_SOCKET = DotName.createSimple(RemoteSocket.class);

    static final DotName UNI = DotName.createSimple(Uni.class);
    static final DotName MULTI = DotName.createSimple(Multi.class);
    static final DotName COMPLETION_STAGE = DotName.createSimple(CompletionStage.class);
    static final DotName COMPLETABLE_FUTURE = DotName.createSimple(CompletableFuture.class);
    static final DotName FUTURE = DotName.createSimple(Future.class);
    static final DotName VOID = DotName.createSimple(Void.class);
    static final DotName THROWABLE = DotName.createSimple(Throwable.class);
    static final DotName OBJECT = DotName.createSimple(Object.class);

    static final DotName BLOCKING = DotName.createSimple("io.smallrye.common.annotation.Blocking");
    static final DotName NON_BLOCKING = DotName.createSimple("io.smallrye.common.annotation.NonBlocking");
    static final DotName RUN_ON_VIRTUAL_THREAD = DotName.createSimple("io.smallrye.common.annotation.RunOnVirtualThread");

    static final DotName SINGLETON = DotName.createSimple("jakarta.inject.Singleton");
    static final DotName APPLICATION_SCOPED = DotName.createSimple("jakarta.enterprise.context.ApplicationScoped");
    static final List<DotName> UNSUPPORTED_SCOPES = List.of(
            DotName.createSimple("jakarta.enterprise.context.RequestScoped"),
            DotName.createSimple("jakarta.enterprise.context.SessionScoped"),
            DotName.createSimple("jakarta.enterprise.context.Dependent"));

    private SocketIODotNames() {
    }
}
