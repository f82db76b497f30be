package io.quarkiverse.socketio.runtime.config;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * {@code quarkus.socketio.cluster.workers}: {@code max} is the number of processors available to this process (read
 * when the configuration is, so on the machine that runs the application), anything else a number from 0 to
 * {@value #MAX_WORKERS}.
 */
public final class WorkerCountConverter implements Converter<Integer> {

    /** The most workers a cluster runs: a bound that keeps a mistyped number from launching thousands of JVMs. */
    public static final int MAX_WORKERS = 1024;

    @Override
    public Integer convert(String value) {
        String trimmed = value.trim();
        if (trimmed.equalsIgnoreCase("max")) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int count = Integer.parseInt(trimmed);
            if (count >= 0 && count <= MAX_WORKERS) {
                return count;
            }
        } catch (NumberFormatException e) {
            // the message below says what is accepted
        }
        throw new IllegalArgumentException("quarkus.socketio.cluster.workers must be 0, a number of workers up to "
                + MAX_WORKERS + ", or max; it is '" + value + "'");
    }
}
