package io.quarkiverse.socketio.it.declarative;

import java.util.List;
import java.util.Map;

/** A record payload with generic collections of records. */
public record Order(String id, List<Item> items, Map<String, Integer> quantities) {
}
