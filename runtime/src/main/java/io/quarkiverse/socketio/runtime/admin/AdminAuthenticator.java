package io.quarkiverse.socketio.runtime.admin;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;

/**
 * Basic authentication of the Admin UI, as Node's {@code instrument()} does it: a user name and a password checked
 * against a bcrypt hash, then a session id the UI keeps to connect again without the password. Node keeps session ids
 * in a store of one process (or in Redis); here a session is signed and carries its expiry, so every worker and every
 * host with the same configuration accepts it, and nothing is stored.
 */
final class AdminAuthenticator {

    private static final Pattern BCRYPT_HASH = Pattern.compile("\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}");
    private static final String HMAC = "HmacSHA256";
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64_DECODER = Base64.getUrlDecoder();

    private final String username;
    private final byte[] passwordHash;
    private final SecretKeySpec sessionKey;
    private final Duration sessionDuration;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    AdminAuthenticator(String username, String passwordHash, Duration sessionDuration, Clock clock) {
        this.username = username;
        this.passwordHash = passwordHash.getBytes(StandardCharsets.US_ASCII);
        this.sessionDuration = sessionDuration;
        this.clock = clock;
        try {
            // the key is derived from the configuration, so that every process with it signs alike
            byte[] key = MessageDigest.getInstance("SHA-256").digest(("socket.io admin session\0" + username + "\0"
                    + passwordHash).getBytes(StandardCharsets.UTF_8));
            this.sessionKey = new SecretKeySpec(key, HMAC);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The authenticator the configuration asks for, after checking it names a user and a bcrypt hash. */
    static AdminAuthenticator of(SocketIOConfig.AdminUi config) {
        String username = config.username().filter(u -> !u.isBlank()).orElseThrow(() -> new IllegalStateException(
                "The Admin UI's basic authentication needs a user: set quarkus.socketio.admin-ui.username (or "
                        + "quarkus.socketio.admin-ui.authentication=none, for a server nobody else can reach)"));
        String hash = config.passwordHash().orElseThrow(() -> new IllegalStateException(
                "The Admin UI's basic authentication needs quarkus.socketio.admin-ui.password-hash, the bcrypt hash of "
                        + "the password (for example from: htpasswd -nbBC 10 admin <password>)"));
        if (!BCRYPT_HASH.matcher(hash).matches()) {
            throw new IllegalStateException("quarkus.socketio.admin-ui.password-hash must be a bcrypt hash such as "
                    + "$2b$10$ followed by 53 characters (for example from: htpasswd -nbBC 10 admin <password>), not a "
                    + "password");
        }
        return new AdminAuthenticator(username, hash, config.sessionDuration(), Clock.systemUTC());
    }

    /** Whether these are the configured credentials. Slow by design (bcrypt): call it off the event loop. */
    boolean checkCredentials(String user, String password) {
        if (user == null || password == null) {
            return false;
        }
        boolean passwordMatches = BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8),
                passwordHash).verified;
        return passwordMatches && MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8),
                username.getBytes(StandardCharsets.UTF_8));
    }

    /** A new session: its expiry and a random nonce, then their signature. */
    String newSession() {
        byte[] body = new byte[Long.BYTES + 16];
        ByteBuffer.wrap(body).putLong(clock.millis() + sessionDuration.toMillis());
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, body, Long.BYTES, nonce.length);
        return BASE64.encodeToString(body) + "." + BASE64.encodeToString(sign(body));
    }

    /** Whether {@code session} is one this configuration signed, not yet expired. */
    boolean isValidSession(String session) {
        if (session == null) {
            return false;
        }
        int dot = session.indexOf('.');
        if (dot < 0) {
            return false;
        }
        try {
            byte[] body = BASE64_DECODER.decode(session.substring(0, dot));
            byte[] signature = BASE64_DECODER.decode(session.substring(dot + 1));
            return body.length == Long.BYTES + 16 && MessageDigest.isEqual(sign(body), signature)
                    && ByteBuffer.wrap(body).getLong() > clock.millis();
        } catch (IllegalArgumentException e) {
            return false; // not base64: not ours
        }
    }

    private byte[] sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(sessionKey);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " is missing from this JVM", e);
        }
    }
}
