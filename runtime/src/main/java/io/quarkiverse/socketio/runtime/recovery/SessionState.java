package io.quarkiverse.socketio.runtime.recovery;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What recovery restores of a socket: its namespace, id, private session id, rooms (its own id room included) and
 * data. In a cluster it travels to the primary as JSON (the primary keeps the bytes and never reads them).
 */
public record SessionState(String nsp, String sid, String pid, Set<String> rooms, Map<String, Object> data) {

    private static final TypeReference<SessionState> TYPE = new TypeReference<>() {
    };

    public SessionState {
        rooms = Set.copyOf(rooms);
        data = data == null ? Map.of() : data;
    }

    /** The key a session is kept under: its namespace and private id, so a pid only ever restores its namespace. */
    public String key() {
        return key(nsp, pid);
    }

    public static String key(String nsp, String pid) {
        return nsp + " " + pid;
    }

    public byte[] toJson(ObjectMapper mapper) {
        try {
            return mapper.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalArgumentException("The data of socket " + sid + " cannot be written as JSON: "
                    + e.getMessage(), e);
        }
    }

    public static SessionState fromJson(ObjectMapper mapper, byte[] json) throws IOException {
        return mapper.readValue(json, TYPE);
    }
}
