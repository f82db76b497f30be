package io.quarkiverse.socketio.runtime.cluster.primary;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line that launches a worker: the one that launched this process (the JVM with its options and
 * {@code -jar quarkus-run.jar}, or the native binary), with the same arguments.
 */
final class WorkerCommand {

    private WorkerCommand() {
    }

    /**
     * This process's command line.
     *
     * @throws IllegalStateException when the operating system does not tell it
     */
    static List<String> current() {
        ProcessHandle.Info info = ProcessHandle.current().info();
        Optional<String> command = info.command();
        Optional<String[]> arguments = info.arguments();
        List<String> line = new ArrayList<>();
        if (command.isPresent() && arguments.isPresent()) {
            line.add(command.get());
            line.addAll(List.of(arguments.get()));
            return line;
        }
        // Where the OS does not expose the arguments: rebuild a JVM command line.
        String javaCommand = System.getProperty("sun.java.command");
        if (javaCommand == null || javaCommand.isBlank()) {
            throw new IllegalStateException("Cannot tell the command line of this process to launch the workers");
        }
        line.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        line.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        String[] mainAndArgs = javaCommand.split(" ");
        if (mainAndArgs[0].endsWith(".jar")) {
            line.add("-jar");
        } else {
            line.add("-cp");
            line.add(System.getProperty("java.class.path"));
        }
        line.addAll(List.of(mainAndArgs));
        return line;
    }
}
