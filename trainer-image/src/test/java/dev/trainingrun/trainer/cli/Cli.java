package dev.trainingrun.trainer.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs the trainer's command line in this JVM, as {@code main} would, and keeps what it printed; or gives the command
 * that runs it in a JVM of its own, for tests of signals, limits and JVM options.
 */
final class Cli {
    private Cli() {}

    record Result(int exitCode, String out, String err) {}

    /** {@code java}, {@code jvmOptions}, this test's class path and the trainer's main class, then {@code args}. */
    static List<String> inItsOwnJvm(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")), "-Dai.djl.offline=true", TrainerCommand.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    static Result run(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine commandLine = TrainerCommand.commandLine();
            commandLine.setErr(new PrintWriter(System.err, true));
            int code = commandLine.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }
}
