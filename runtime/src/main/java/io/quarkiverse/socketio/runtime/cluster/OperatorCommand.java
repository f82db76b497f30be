package io.quarkiverse.socketio.runtime.cluster;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * An operator's command to a cluster, in one place for every way it arrives: the command line
 * ({@code java -jar quarkus-run.jar socketio <command>}), the control socket it talks to, the primary's management
 * endpoints and the Dev UI. The command-line words are parsed with picocli (its model is built in code, so a native
 * image needs no reflection for it); the endpoints and the Dev UI build the commands directly.
 */
public sealed interface OperatorCommand {

    /** The first command-line argument that makes the application a client of its running primary. */
    String CLI_COMMAND = "socketio";

    /** Carries the command out on {@code cluster}, telling {@code progress} each step; returns the result line. */
    String run(ClusterOperations cluster, Consumer<String> progress) throws Exception;

    /** The words that say this command, as {@link #parse(List)} reads them. */
    List<String> words();

    /** {@code status [--json]}: the workers, as a table or as JSON. */
    record Status(boolean json) implements OperatorCommand {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public String run(ClusterOperations cluster, Consumer<String> progress) throws JsonProcessingException {
            List<WorkerStatus> rows = cluster.status();
            if (json) {
                return JSON.writeValueAsString(rows);
            }
            progress.accept(String.format("%-7s %-8s %-9s %9s %9s %8s %10s %9s %4s", "WORKER", "PID", "STATE",
                    "UPTIME", "RESTARTS", "SOCKETS", "RSS", "CPU", "GEN"));
            for (WorkerStatus row : rows) {
                progress.accept(String.format("%-7d %-8s %-9s %8ds %9d %8d %7d MB %8.1fs %4d", row.index(),
                        row.pid() < 0 ? "-" : Long.toString(row.pid()), row.state().name().toLowerCase(Locale.ROOT),
                        row.uptimeMillis() / 1000, row.restarts(), row.sockets(), row.rssKb() / 1024,
                        row.cpuMillis() / 1000.0, row.generation()));
            }
            return rows.size() + " workers, configuration generation " + cluster.generation();
        }

        @Override
        public List<String> words() {
            return json ? List.of("status", "--json") : List.of("status");
        }
    }

    /** {@code reload}: replaces every worker, one at a time. */
    record Reload() implements OperatorCommand {
        @Override
        public String run(ClusterOperations cluster, Consumer<String> progress) throws Exception {
            cluster.reload(progress);
            return "reloaded";
        }

        @Override
        public List<String> words() {
            return List.of("reload");
        }
    }

    /** {@code restart <worker>}: replaces one worker. */
    record Restart(int worker) implements OperatorCommand {
        @Override
        public String run(ClusterOperations cluster, Consumer<String> progress) throws Exception {
            cluster.restart(worker, progress);
            return "restarted worker " + worker;
        }

        @Override
        public List<String> words() {
            return List.of("restart", Integer.toString(worker));
        }
    }

    /** {@code scale <count>}: changes the number of workers. */
    record Scale(int workers) implements OperatorCommand {
        @Override
        public String run(ClusterOperations cluster, Consumer<String> progress) throws Exception {
            cluster.scale(workers, progress);
            return "scaled to " + workers;
        }

        @Override
        public List<String> words() {
            return List.of("scale", Integer.toString(workers));
        }
    }

    /** {@code logs}: the workers' last lines. */
    record Logs() implements OperatorCommand {
        @Override
        public String run(ClusterOperations cluster, Consumer<String> progress) {
            cluster.logs().forEach(progress);
            return "end of logs";
        }

        @Override
        public List<String> words() {
            return List.of("logs");
        }
    }

    /** {@code stop}: the workers drain, then the cluster's process exits. */
    record Stop() implements OperatorCommand {
        @Override
        public String run(ClusterOperations cluster, Consumer<String> progress) {
            cluster.stop();
            return "stopping: the workers drain, then the primary exits";
        }

        @Override
        public List<String> words() {
            return List.of("stop");
        }
    }

    /**
     * The command these words say.
     *
     * @throws IllegalArgumentException naming what is wrong, followed by the usage
     */
    static OperatorCommand parse(List<String> words) {
        CommandLine line = commandLine();
        ParseResult parsed;
        try {
            parsed = line.parseArgs(words.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + "\n" + usage());
        }
        if (!parsed.hasSubcommand()) {
            throw new IllegalArgumentException("A command is needed\n" + usage());
        }
        ParseResult command = parsed.subcommand();
        return switch (command.commandSpec().name()) {
            case "status" -> new Status(command.hasMatchedOption("--json"));
            case "reload" -> new Reload();
            case "restart" -> new Restart(command.matchedPositionalValue(0, 0));
            case "scale" -> new Scale(command.matchedPositionalValue(0, 0));
            case "logs" -> new Logs();
            default -> new Stop();
        };
    }

    /** The usage of the command line, every command with what it does. */
    static String usage() {
        return commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    private static CommandLine commandLine() {
        CommandSpec root = CommandSpec.create().name(CLI_COMMAND);
        root.usageMessage().description("Operates the Socket.IO cluster this application runs on this machine "
                + "(the primary serving quarkus.http.port).");
        root.addSubcommand("status", command("the workers: pid, state, uptime, restarts, sockets, memory, CPU")
                .addOption(OptionSpec.builder("--json").arity("0").description("as JSON").build()));
        root.addSubcommand("reload", command("replaces every worker, one at a time (a rolling reload)"));
        root.addSubcommand("restart", command("replaces one worker").addPositional(PositionalParamSpec.builder()
                .paramLabel("<worker>").arity("1").required(true).type(int.class).description("the worker's index, from 1")
                .build()));
        root.addSubcommand("scale", command("changes the number of workers").addPositional(PositionalParamSpec
                .builder().paramLabel("<count>").arity("1").required(true).type(int.class).description("how many workers")
                .build()));
        root.addSubcommand("logs", command("the last lines each worker wrote"));
        root.addSubcommand("stop", command("drains the workers, then stops the primary"));
        return new CommandLine(root);
    }

    private static CommandSpec command(String description) {
        CommandSpec spec = CommandSpec.create();
        spec.usageMessage().description(description);
        return spec;
    }
}
