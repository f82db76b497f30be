package io.quarkiverse.socketio.it.declarative;

import java.util.List;

/** A record only ever returned (an acknowledgement), never bound. */
public record Receipt(String orderId, int lines, List<String> names) {
}
