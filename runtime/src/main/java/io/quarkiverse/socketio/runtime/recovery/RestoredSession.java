package io.quarkiverse.socketio.runtime.recovery;

import java.util.List;

import io.quarkiverse.socketio.runtime.parser.OutboundPacket;

/**
 * A session taken from the store for a client that came back, and the broadcasts it missed, selected for its
 * namespace and rooms, in order, each encoded with its offset.
 */
public record RestoredSession(SessionState session, List<OutboundPacket> missed) {
}
