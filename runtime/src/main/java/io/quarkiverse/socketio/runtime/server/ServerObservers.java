package io.quarkiverse.socketio.runtime.server;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;

import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.SocketIOSocket;

/** Several observers of one server (the Dev UI's and the Admin UI's), told in order. */
final class ServerObservers implements ServerObserver {

    private final ServerObserver[] observers;

    ServerObservers(List<ServerObserver> observers) {
        this.observers = observers.toArray(ServerObserver[]::new);
    }

    @Override
    public void remoteMessage(String from, String type, String namespace) {
        for (ServerObserver observer : observers) {
            observer.remoteMessage(from, type, namespace);
        }
    }

    @Override
    public void clientOpened(String transport) {
        for (ServerObserver observer : observers) {
            observer.clientOpened(transport);
        }
    }

    @Override
    public void clientClosed(String reason) {
        for (ServerObserver observer : observers) {
            observer.clientClosed(reason);
        }
    }

    @Override
    public void packetReceived(int bytes) {
        for (ServerObserver observer : observers) {
            observer.packetReceived(bytes);
        }
    }

    @Override
    public void packetSent(int bytes) {
        for (ServerObserver observer : observers) {
            observer.packetSent(bytes);
        }
    }

    @Override
    public void connected(SocketIOSocket socket) {
        for (ServerObserver observer : observers) {
            observer.connected(socket);
        }
    }

    @Override
    public void upgraded(SocketIOSocket socket) {
        for (ServerObserver observer : observers) {
            observer.upgraded(socket);
        }
    }

    @Override
    public void disconnected(SocketIOSocket socket, DisconnectReason reason) {
        for (ServerObserver observer : observers) {
            observer.disconnected(socket, reason);
        }
    }

    @Override
    public void joined(SocketIOSocket socket, String room) {
        for (ServerObserver observer : observers) {
            observer.joined(socket, room);
        }
    }

    @Override
    public void left(SocketIOSocket socket, String room) {
        for (ServerObserver observer : observers) {
            observer.left(socket, room);
        }
    }

    @Override
    public void received(SocketIOSocket socket, ArrayNode event) {
        for (ServerObserver observer : observers) {
            observer.received(socket, event);
        }
    }

    @Override
    public void sent(SocketIOSocket socket, ArrayNode event) {
        for (ServerObserver observer : observers) {
            observer.sent(socket, event);
        }
    }

    @Override
    public void delivered(SocketIOSocket socket, ArrayNode event) {
        for (ServerObserver observer : observers) {
            observer.delivered(socket, event);
        }
    }

    @Override
    public void broadcast(String namespace, String selection, ArrayNode event) {
        for (ServerObserver observer : observers) {
            observer.broadcast(namespace, selection, event);
        }
    }
}
