package io.quarkiverse.socketio.bench.loadgen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code MODE --name value --flag --name=value ...}. */
final class Args {

    final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();

    Args(String[] argv) {
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                if (eq > 0) {
                    options.put(a.substring(2, eq), a.substring(eq + 1));
                } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                    options.put(a.substring(2), argv[++i]);
                } else {
                    options.put(a.substring(2), "true");
                }
            } else {
                positional.add(a);
            }
        }
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    String string(String name, String def) {
        return options.getOrDefault(name, def);
    }

    int integer(String name, int def) {
        return options.containsKey(name) ? Integer.parseInt(options.get(name)) : def;
    }

    long longValue(String name, long def) {
        return options.containsKey(name) ? Long.parseLong(options.get(name)) : def;
    }

    double number(String name, double def) {
        return options.containsKey(name) ? Double.parseDouble(options.get(name)) : def;
    }
}
