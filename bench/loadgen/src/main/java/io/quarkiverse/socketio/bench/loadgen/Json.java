package io.quarkiverse.socketio.bench.loadgen;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The result line and small number helpers. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static double round(double x, int digits) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return x;
        }
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** p50, p90, p99, p99.9, max and mean of latencies in nanoseconds, in milliseconds. */
    static Map<String, Object> percentiles(long[] nanos, int n, String prefix) {
        long[] s = Arrays.copyOf(nanos, n);
        Arrays.sort(s);
        Map<String, Object> r = new LinkedHashMap<>();
        double[] qs = { 0.5, 0.9, 0.99, 0.999 };
        String[] names = { "p50", "p90", "p99", "p999" };
        for (int i = 0; i < qs.length; i++) {
            r.put(prefix + names[i] + "_ms", n == 0 ? null : round(s[Math.min(n - 1, (int) Math.floor(qs[i] * n))] / 1e6, 3));
        }
        double sum = 0;
        for (long v : s) {
            sum += v;
        }
        r.put(prefix + "max_ms", n == 0 ? null : round(s[n - 1] / 1e6, 3));
        r.put(prefix + "mean_ms", n == 0 ? null : round(sum / n / 1e6, 3));
        return r;
    }
}
