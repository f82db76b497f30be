package io.quarkiverse.socketio.it.declarative;

/** A record payload. */
public record Item(String name, int qty) {
}
