package io.quarkiverse.socketio.runtime.declarative;

import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.SocketIOAck;
import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIOSocket;

/** What a handler call may bind its parameters from. */
final class BindingSource {

    final SocketIOSocket socket;
    final SocketIOEvent event;
    final DisconnectReason reason;
    final Throwable error;

    BindingSource(SocketIOSocket socket, SocketIOEvent event, DisconnectReason reason, Throwable error) {
        this.socket = socket;
        this.event = event;
        this.reason = reason;
        this.error = error;
    }

    static BindingSource of(SocketIOSocket socket) {
        return new BindingSource(socket, null, null, null);
    }

    static BindingSource of(SocketIOSocket socket, SocketIOEvent event) {
        return new BindingSource(socket, event, null, null);
    }

    static BindingSource of(SocketIOSocket socket, DisconnectReason reason) {
        return new BindingSource(socket, null, reason, null);
    }

    BindingSource withError(Throwable failure) {
        return new BindingSource(socket, event, reason, failure);
    }

    SocketIOAck ack() {
        return event == null ? NO_ACK : new EventAck(event);
    }

    private static final SocketIOAck NO_ACK = new SocketIOAck() {
        @Override
        public void send(Object... args) {
        }

        @Override
        public boolean requested() {
            return false;
        }
    };

    /** The acknowledgement of a received event. */
    private record EventAck(SocketIOEvent event) implements SocketIOAck {
        @Override
        public void send(Object... args) {
            event.ack(args);
        }

        @Override
        public boolean requested() {
            return event.hasAck();
        }
    }
}
