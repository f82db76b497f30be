package io.quarkiverse.socketio.runtime.engine;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Unguessable ids: 15 random bytes from {@link SecureRandom}, base64url, 20 characters. Engine.IO session ids and
 * socket ids are both made here.
 */
public final class RandomIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private RandomIds() {
    }

    public static String next() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
