package io.quarkiverse.socketio.runtime.server;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.runtime.engine.EngineHandshake;
import io.quarkiverse.socketio.runtime.engine.EngineSession;
import io.quarkiverse.socketio.runtime.engine.EngineSessionHandler;
import io.quarkiverse.socketio.runtime.engine.EngineText;
import io.quarkiverse.socketio.runtime.parser.OutboundPacket;
import io.quarkiverse.socketio.runtime.parser.PacketType;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacketDecoder;
import io.quarkiverse.socketio.runtime.parser.SocketIOProtocolException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * The Socket.IO side of one Engine.IO session: decodes its packets and keeps its sockets, one per namespace joined.
 * Packet handling runs on the session's context.
 */
final class ClientConnection implements EngineSessionHandler {

    private static final Logger LOG = Logger.getLogger(ClientConnection.class);

    private final SocketIOServerImpl server;
    private final EngineSession session;
    private final SocketIOPacketDecoder decoder;
    /** namespace name -> socket; written on the context, read from anywhere */
    private final Map<String, SocketImpl> sockets = new ConcurrentHashMap<>();
    /** namespaces whose CONNECT is running its middlewares */
    private final Set<String> connecting = new HashSet<>();
    private long connectTimer;

    ClientConnection(SocketIOServerImpl server, EngineSession session) {
        this.server = server;
        this.session = session;
        this.decoder = server.newDecoder();
        ServerObserver observer = server.observer();
        if (observer != ServerObserver.NONE) {
            observer.clientOpened(session.transport());
        }
        this.connectTimer = server.vertx().setTimer(server.connectTimeout().toMillis(), t -> {
            connectTimer = 0;
            if (sockets.isEmpty() && session.isOpen()) {
                LOG.debugf("Session %s joined no namespace in time; closing it", session.id());
                session.close();
            }
        });
    }

    String id() {
        return session.id();
    }

    boolean isOpen() {
        return session.isOpen();
    }

    String transport() {
        return session.transport();
    }

    void runOnContext(Runnable action) {
        if (Vertx.currentContext() == session.context()) {
            action.run();
        } else {
            session.context().runOnContext(v -> action.run());
        }
    }

    void write(OutboundPacket packet) {
        write(packet, false);
    }

    /** A volatile packet is dropped when the client cannot take it right away, as in Node.js. */
    void write(OutboundPacket packet, boolean volatile_) {
        if (deliver(packet, volatile_)) {
            ServerObserver observer = server.observer();
            if (observer != ServerObserver.NONE) {
                observer.packetsSent(packet.packetCount(), packet.byteLength());
            }
        }
    }

    /** Whether the session can take more packets now. */
    boolean writable() {
        return session.writable();
    }

    /**
     * Writes a broadcast's packet, not counted for the observers: the namespace counts all its recipients at once
     * (a counter per recipient cost the fanout several percent). Whether it was written.
     */
    boolean deliver(OutboundPacket packet, boolean volatile_) {
        if (volatile_ ? session.writable() : session.isOpen()) {
            packet.writeTo(session);
            return true;
        }
        return false;
    }

    @Override
    public void onText(String text) {
        ServerObserver observer = server.observer();
        if (observer != ServerObserver.NONE) {
            observer.packetReceived(EngineText.utf8Length(text));
        }
        SocketIOPacket packet;
        try {
            packet = decoder.decodeText(text);
        } catch (SocketIOProtocolException e) {
            closeOnBadInput(e);
            return;
        }
        if (packet != null) {
            onPacket(packet);
        }
    }

    @Override
    public void onBinary(Buffer data) {
        ServerObserver observer = server.observer();
        if (observer != ServerObserver.NONE) {
            observer.packetReceived(data.length());
        }
        SocketIOPacket packet;
        try {
            packet = decoder.addAttachment(data.getBytes());
        } catch (SocketIOProtocolException e) {
            closeOnBadInput(e);
            return;
        }
        if (packet != null) {
            onPacket(packet);
        }
    }

    private void closeOnBadInput(SocketIOProtocolException e) {
        LOG.debugf("Closing session %s: %s", session.id(), e.getMessage());
        session.close();
    }

    private void onPacket(SocketIOPacket packet) {
        String namespace = packet.namespace();
        if (packet.type() == PacketType.CONNECT) {
            if (sockets.containsKey(namespace) || connecting.contains(namespace)) {
                LOG.debugf("Closing session %s: second CONNECT to %s", session.id(), namespace);
                session.close();
            } else {
                connect(namespace, packet.data());
            }
            return;
        }
        SocketImpl socket = sockets.get(namespace);
        if (socket == null || packet.type() == PacketType.CONNECT_ERROR) {
            LOG.debugf("Closing session %s: %s packet for namespace %s, which it has not joined", session.id(),
                    packet.type(), namespace);
            session.close();
            return;
        }
        socket.onPacket(packet);
    }

    private void connect(String name, JsonNode auth) {
        NamespaceImpl namespace = server.namespaceFor(name);
        if (namespace == null) {
            ObjectNode error = JsonNodeFactory.instance.objectNode().put("message", "Invalid namespace");
            write(server.encode(SocketIOPacket.connectError(name, error)));
            return;
        }
        connecting.add(name);
        ObjectNode authObject = auth instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
        namespace.connect(this, handshake(authObject));
    }

    private Handshake handshake(ObjectNode auth) {
        EngineHandshake request = session.handshake();
        return new Handshake(request.headers(), request.query(), request.address(), request.secure(), request.url(),
                Instant.ofEpochMilli(request.issued()), auth);
    }

    /** The namespace's middlewares let the socket in. */
    void connected(SocketImpl socket) {
        String name = socket.namespace().name();
        connecting.remove(name);
        sockets.put(name, socket);
        socket.markConnected();
        if (connectTimer != 0) {
            server.vertx().cancelTimer(connectTimer);
            connectTimer = 0;
        }
    }

    /** A CONNECT ended without a socket (rejected, or the session closed meanwhile). */
    void connectFinished(String namespace) {
        connecting.remove(namespace);
    }

    /** The socket left its namespace. */
    void removed(SocketImpl socket) {
        sockets.remove(socket.namespace().name(), socket);
    }

    /** The server disconnects every socket of this client and closes the session. */
    void disconnectAll() {
        runOnContext(() -> {
            for (SocketImpl socket : List.copyOf(sockets.values())) {
                write(server.encode(SocketIOPacket.disconnect(socket.namespace().name())));
                socket.onClose(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
            }
            session.close();
        });
    }

    @Override
    public void onUpgrade() {
        ServerObserver observer = server.observer();
        if (observer != ServerObserver.NONE) {
            for (SocketImpl socket : sockets.values()) {
                observer.upgraded(socket);
            }
        }
    }

    @Override
    public void onClose(String reason) {
        ServerObserver observer = server.observer();
        if (observer != ServerObserver.NONE) {
            observer.clientClosed(reason);
        }
        if (connectTimer != 0) {
            server.vertx().cancelTimer(connectTimer);
            connectTimer = 0;
        }
        DisconnectReason disconnectReason = DisconnectReason.fromEngineReason(reason);
        for (SocketImpl socket : List.copyOf(sockets.values())) {
            socket.onClose(disconnectReason);
        }
        sockets.clear();
        connecting.clear();
    }
}
