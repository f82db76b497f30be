package io.quarkiverse.socketio.bench.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code summarize FILE.jsonl ...}: markdown tables of result lines, one row per (server, label, WORKERS, variant) and
 * step, with the median of the accepted runs (a run is not accepted when {@code contaminated} is true and a later
 * attempt replaced it) and every run's headline value beside it.
 */
final class Summarize {

    private Summarize() {
    }

    /** Whether the rows come from more than one label: then the label is part of the variant. */
    private static boolean manyLabels;

    static void main(List<String> files, Args args) {
        List<JsonNode> rows = new ArrayList<>();
        for (String f : files) {
            try {
                for (String line : Files.readAllLines(Path.of(f))) {
                    if (!line.isBlank()) {
                        JsonNode n = Json.MAPPER.readTree(line);
                        if (n.path("accepted").asBoolean(true)) {
                            rows.add(n);
                        }
                    }
                }
            } catch (IOException e) {
                System.err.println("cannot read " + f + ": " + e);
            }
        }
        manyLabels = rows.stream().map(n -> n.path("label").asText()).distinct().count() > 1;
        StringBuilder out = new StringBuilder();
        table(out, rows, "fanout", "fanout (C clients x N ticks of S bytes; deliveries = C x N)",
                new String[] { "clients x count x size", "deliveries/s (median)", "runs", "seconds", "lost / misordered",
                        "server CPU %", "server us/delivery", "loadgen CPU %", "loadgen us/delivery", "machine busy %",
                        "load avg 1m" },
                g -> new Object[] { first(g, "clients") + " x " + first(g, "count") + " x " + first(g, "size"),
                        fmt(median(g, "deliveries_per_s")), runs(g, "deliveries_per_s"), fmt(median(g, "seconds")),
                        sum(g, "lost") + " / " + sum(g, "misordered"), fmt(median(g, "server_cpu_pct")),
                        fmt(median(g, "server_cpu_us_per_delivery")), fmt(median(g, "loadgen_cpu_pct")),
                        fmt(median(g, "loadgen_cpu_us_per_delivery")), fmt(median(g, "machine_cpu_pct")), loads(g) });
        table(out, rows, "fanout-hosts",
                "fanout over several hosts (clients spread over the servers; cross-host: arrival minus the median arrival"
                        + " of the tick at the blaster's host)",
                new String[] { "clients x count x size", "deliveries/s (median)", "runs", "seconds",
                        "lost / misordered", "cross-host p50 / p99 / max ms", "cross-host p99 runs",
                        "same-host p99 ms", "server CPU % per host", "Redis CPU %", "loadgen CPU %", "machine busy %",
                        "load avg 1m" },
                g -> new Object[] { first(g, "clients") + " x " + first(g, "count") + " x " + first(g, "size"),
                        fmt(median(g, "deliveries_per_s")), runs(g, "deliveries_per_s"), fmt(median(g, "seconds")),
                        sum(g, "lost") + " / " + sum(g, "misordered"),
                        fmt(median(g, "cross_host_p50_ms")) + " / " + fmt(median(g, "cross_host_p99_ms")) + " / "
                                + fmt(median(g, "cross_host_max_ms")),
                        runs(g, "cross_host_p99_ms"), fmt(median(g, "same_host_p99_ms")),
                        g.stream().map(n -> n.path("server_cpu_pct_per_host").toString().replace("|", "/"))
                                .collect(Collectors.joining(" / ")),
                        fmt(median(g, "redis_cpu_pct")), fmt(median(g, "loadgen_cpu_pct")),
                        fmt(median(g, "machine_cpu_pct")), loads(g) });
        table(out, rows, "connect-polling", "connect, long-polling handshake then upgrade",
                new String[] { "clients", "connections/s (median)", "runs", "ok connections/s", "failures", "errors",
                        "p50 / p99 ms", "server CPU %", "server ms/conn", "loadgen CPU %", "machine busy %",
                        "load avg 1m" },
                g -> new Object[] { first(g, "clients"), fmt(median(g, "connections_per_s")), runs(g, "connections_per_s"),
                        fmt(median(g, "ok_connections_per_s")), sum(g, "failures"), errors(g),
                        fmt(median(g, "connect_p50_ms")) + " / " + fmt(median(g, "connect_p99_ms")),
                        fmt(median(g, "server_cpu_pct")), fmt(median(g, "server_cpu_ms_per_connection")),
                        fmt(median(g, "loadgen_cpu_pct")), fmt(median(g, "machine_cpu_pct")), loads(g) });
        table(out, rows, "connect-websocket", "connect, WebSocket only",
                new String[] { "clients", "connections/s (median)", "runs", "failures", "errors", "p50 / p99 ms",
                        "server CPU %", "loadgen CPU %", "load avg 1m" },
                g -> new Object[] { first(g, "clients"), fmt(median(g, "connections_per_s")), runs(g, "connections_per_s"),
                        sum(g, "failures"), errors(g),
                        fmt(median(g, "connect_p50_ms")) + " / " + fmt(median(g, "connect_p99_ms")),
                        fmt(median(g, "server_cpu_pct")), fmt(median(g, "loadgen_cpu_pct")), loads(g) });
        table(out, rows, "echo", "echo (ack round trip, open loop)",
                new String[] { "clients x rate", "achieved/s", "p50 ms (median)", "p99 ms (median)", "p99 runs",
                        "max ms (median)",
                        "timeouts", "server CPU %", "loadgen CPU %", "loadgen timer late max ms", "machine busy %",
                        "load avg 1m" },
                g -> new Object[] { first(g, "clients") + " x " + first(g, "target_rate"), fmt(median(g, "achieved_rate")),
                        fmt(median(g, "p50_ms")), fmt(median(g, "p99_ms")), runs(g, "p99_ms"), fmt(median(g, "max_ms")),
                        sum(g, "timeouts"), fmt(median(g, "server_cpu_pct")), fmt(median(g, "loadgen_cpu_pct")),
                        fmt(median(g, "loadgen_timer_late_max_ms")), fmt(median(g, "machine_cpu_pct")), loads(g) });
        table(out, rows, "memory", "memory: idle WebSocket connections (RSS of the server's whole process tree)",
                new String[] { "clients", "KB / connection (median)", "runs", "RSS MB", "baseline MB", "warm-up clients",
                        "KB / connection from start", "RSS per process MB", "sockets per process", "failures",
                        "connections/s", "load avg 1m" },
                g -> new Object[] { first(g, "clients"), fmt(median(g, "kb_per_connection")), runs(g, "kb_per_connection"),
                        fmt(median(g, "rss_mb")), fmt(median(g, "rss_baseline_mb")), first(g, "warmup_clients"),
                        fmt(median(g, "kb_per_connection_from_start")), last(g, "rss_per_process_mb"),
                        last(g, "sockets_per_process"), sum(g, "failures"), fmt(median(g, "connections_per_s")), loads(g) });
        table(out, rows, "contract", "contract check (not a measurement)",
                new String[] { "clients", "ok", "echo ok", "count", "chat received", "blast complete in order",
                        "relayed received", "problems" },
                g -> new Object[] { first(g, "clients"), last(g, "ok"), last(g, "echo_ok"), last(g, "count"),
                        last(g, "chat_received"), last(g, "blast_complete_in_order"), last(g, "relayed_received"),
                        last(g, "problems") });
        System.out.print(out);
    }

    private static String step(JsonNode n) {
        String mode = n.path("mode").asText();
        if (mode.equals("fanout") && n.path("hosts").asInt(1) > 1) {
            return "fanout-hosts";
        }
        return mode.equals("connect") ? "connect-" + n.path("transport").asText() : mode;
    }

    private static void table(StringBuilder out, List<JsonNode> rows, String step, String title, String[] columns,
            Function<List<JsonNode>, Object[]> cells) {
        Map<String, List<JsonNode>> groups = rows.stream().filter(n -> step.equals(step(n)))
                .collect(Collectors.groupingBy(Summarize::groupKey, LinkedHashMap::new, Collectors.toList()));
        if (groups.isEmpty()) {
            return;
        }
        out.append("### ").append(title).append("\n\n| server | WORKERS | variant |");
        for (String c : columns) {
            out.append(' ').append(c).append(" |");
        }
        out.append("\n|---|---|---|");
        out.append("---|".repeat(columns.length)).append('\n');
        List<Map.Entry<String, List<JsonNode>>> sorted = new ArrayList<>(groups.entrySet());
        sorted.sort(Comparator.comparing(Map.Entry::getKey));
        for (Map.Entry<String, List<JsonNode>> e : sorted) {
            JsonNode f = e.getValue().get(0);
            out.append("| ").append(f.path("server").asText("?")).append(" | ").append(f.path("workers").asText("?"))
                    .append(" | ").append(variant(f)).append(" |");
            for (Object cell : cells.apply(e.getValue())) {
                out.append(' ').append(cell).append(" |");
            }
            out.append('\n');
        }
        out.append('\n');
    }

    private static String variant(JsonNode n) {
        List<String> v = new ArrayList<>();
        if (manyLabels && !n.path("label").asText().isEmpty()) {
            v.add(n.path("label").asText());
        }
        if (n.path("hosts").asInt(1) > 1) {
            v.add(n.path("hosts").asInt() + " hosts over " + n.path("adapter").asText("?"));
        }
        if (n.path("warmup").asInt(0) > 0) {
            v.add("warm-up " + n.path("warmup").asInt() + " ticks");
        }
        if (n.path("warmup_clients").asInt(0) > 0) {
            v.add("warm-up " + n.path("warmup_clients").asInt() + " connections");
        }
        if (n.path("warmup_s").asDouble(0) > 0) {
            v.add("warm-up " + fmt(n.path("warmup_s").asDouble()) + " s");
        }
        if (n.path("read_interval_ms").asInt(0) > 0) {
            v.add("read-interval " + n.path("read_interval_ms").asInt() + " ms");
        }
        if (n.path("threads").asInt(1) > 1) {
            v.add(n.path("threads").asInt() + " loadgen threads");
        }
        return v.isEmpty() ? "-" : String.join(", ", v);
    }

    private static String groupKey(JsonNode n) {
        return n.path("server").asText() + "|" + n.path("workers").asText() + "|" + n.path("label").asText() + "|" + variant(n);
    }

    private static Object first(List<JsonNode> g, String field) {
        return g.get(0).path(field).asText("");
    }

    private static Object last(List<JsonNode> g, String field) {
        JsonNode v = g.get(g.size() - 1).path(field);
        return v.isMissingNode() ? "" : v.isTextual() ? v.asText() : v.toString().replace("|", "/");
    }

    private static double median(List<JsonNode> g, String field) {
        double[] v = g.stream().filter(n -> n.path(field).isNumber()).mapToDouble(n -> n.path(field).asDouble()).sorted()
                .toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String runs(List<JsonNode> g, String field) {
        return g.stream().map(n -> n.path(field).isNumber() ? fmt(n.path(field).asDouble()) : "-")
                .collect(Collectors.joining(" / "));
    }

    private static long sum(List<JsonNode> g, String field) {
        return g.stream().mapToLong(n -> n.path(field).asLong(0)).sum();
    }

    private static String errors(List<JsonNode> g) {
        Map<String, Long> all = new LinkedHashMap<>();
        for (JsonNode n : g) {
            n.path("errors").fields().forEachRemaining(e -> all.merge(e.getKey(), e.getValue().asLong(), Long::sum));
        }
        return all.isEmpty() ? "-"
                : all.entrySet().stream().map(e -> e.getValue() + " x `" + e.getKey().replace("|", "/") + "`")
                        .collect(Collectors.joining("; "));
    }

    private static String loads(List<JsonNode> g) {
        return g.stream().map(n -> n.path("load_avg_at_start").path(0).asText("?")).collect(Collectors.joining(" / "));
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v).replaceAll("\\.?0+$", "");
    }
}
