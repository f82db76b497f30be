package io.quarkiverse.socketio.runtime.admin;

import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.SocketIOSocket;

/** Sockets in the shape the Admin UI reads ({@code SerializedSocket} of its sources). */
final class SerializedSockets {

    /**
     * The key of the socket data that tells the UI the client's id and transport, as Node's instrumentation stores them
     * in {@code socket.data._admin}: so that {@code fetchSockets} carries them from any server, a Node one included.
     */
    static final String ADMIN_DATA = "_admin";
    /** Node shows 12 characters of the client's Engine.IO id: enough to tell clients apart, too few to take one over. */
    private static final int CLIENT_ID_LENGTH = 12;

    private SerializedSockets() {
    }

    /**
     * The {@value #ADMIN_DATA} entry of a socket: its transport is read when the data is serialized, so that an
     * upgrade shows without an update of the data.
     */
    static Map<String, Object> adminData(String clientId, Supplier<String> transport) {
        String shortId = clientId.length() > CLIENT_ID_LENGTH ? clientId.substring(0, CLIENT_ID_LENGTH) : clientId;
        return new AbstractMap<>() {
            @Override
            public Set<Entry<String, Object>> entrySet() {
                return Set.of(Map.entry("clientId", shortId), Map.entry("transport", transport.get()));
            }
        };
    }

    static Map<String, Object> of(SocketIOSocket socket) {
        return serialize(socket.id(), socket.namespace().name(), socket.handshake(), socket.rooms(), socket.data(),
                socket.transport());
    }

    static Map<String, Object> of(RemoteSocket socket, String namespace) {
        return serialize(socket.id(), namespace, socket.handshake(), socket.rooms(), socket.data(), null);
    }

    private static Map<String, Object> serialize(String id, String namespace, Handshake handshake, Set<String> rooms,
            Map<String, Object> data, String transport) {
        Map<String, Object> admin = new LinkedHashMap<>();
        if (data.get(ADMIN_DATA) instanceof Map<?, ?> map) {
            map.forEach((k, v) -> admin.put(String.valueOf(k), v));
        }
        Map<String, Object> socket = new LinkedHashMap<>();
        socket.put("id", id);
        socket.put("clientId", admin.get("clientId"));
        socket.put("transport", transport != null ? transport : admin.get("transport"));
        socket.put("nsp", namespace);
        Map<String, Object> userData = new LinkedHashMap<>(data);
        userData.remove(ADMIN_DATA);
        socket.put("data", userData);
        socket.put("handshake", handshake(handshake));
        socket.put("rooms", List.copyOf(rooms));
        return socket;
    }

    /** The handshake as Node describes it; the {@code auth} payload is left out, as Node leaves it out. */
    private static Map<String, Object> handshake(Handshake handshake) {
        Map<String, Object> headers = singleValues(handshake.headers());
        Object forwarded = headers.getOrDefault("cf-connecting-ip", headers.get("x-forwarded-for"));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("address", forwarded != null ? forwarded : handshake.address());
        result.put("headers", headers);
        result.put("query", singleValues(handshake.query()));
        result.put("issued", handshake.issued().toEpochMilli());
        result.put("secure", handshake.secure());
        result.put("time", handshake.issued().toString());
        result.put("url", handshake.url());
        result.put("xdomain", headers.containsKey("origin"));
        return result;
    }

    /** Node's objects of headers and query parameters hold one string per name: repeated values joined. */
    private static Map<String, Object> singleValues(Map<String, List<String>> values) {
        Map<String, Object> result = new LinkedHashMap<>();
        values.forEach((name, list) -> result.put(name, list.size() == 1 ? list.get(0) : String.join(", ", list)));
        return result;
    }
}
