package io.quarkiverse.socketio.it.support;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading what {@code /q/health/*} and {@code /q/metrics} answer, as an operator's tools read it. */
public final class HealthAndMetrics {

    private HealthAndMetrics() {
    }

    /**
     * The value of the first Prometheus sample whose name and labels match the regular expression {@code sample}; NaN
     * if none.
     */
    public static double sample(String prometheus, String sample) {
        Matcher m = Pattern.compile("(?m)^" + sample + " ([0-9.eE+-]+)$").matcher(prometheus);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** The "Socket.IO" check of a SmallRye Health answer, if it has one. */
    public static Optional<JsonNode> socketIOCheck(String health) throws Exception {
        for (JsonNode check : JavaClients.MAPPER.readTree(health).path("checks")) {
            if (check.path("name").asText().equals("Socket.IO")) {
                return Optional.of(check);
            }
        }
        return Optional.empty();
    }
}
