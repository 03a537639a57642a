package dev.trainingrun.trainer.cli;

import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.trainer.files.IoErrors;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.UnmatchedArgumentException;

/** The trainer's command line: {@code train}, {@code generate-data}, {@code benchmark}; main only parses arguments and exits. */
@Command(name = "trainer", mixinStandardHelpOptions = true, version = "trainingrun trainer",
        description = "Trains image classifiers described by TrainingRun manifests, on DJL with the PyTorch engine.",
        subcommands = {TrainCommand.class, GenerateDataCommand.class, BenchmarkCommand.class})
public final class TrainerCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // DJL otherwise contacts the network at engine start-up; the trainer never needs it.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // The curves picture is drawn off-screen; a pod has no display, and a desktop's must not be touched.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line as {@code main} runs it. A usage error prints the error, picocli's suggestions for a mistyped
     * option and where the help is, not the whole usage, which would push the error off the screen. A file that
     * cannot be written on the way ({@link UncheckedIOException}) prints one line and exits
     * {@link TrainerExitCode#FAILED}.
     */
    static CommandLine commandLine() {
        return new CommandLine(new TrainerCommand()).setExecutionExceptionHandler((error, failed, parsed) -> {
            // A volume that fails on the way (full, gone read-only): the message says what was being written where,
            // and a retry, on a volume with room again, may pass. Java's own (new UncheckedIOException(cause)) takes
            // the cause's toString(), its class name first, as its message.
            if (!(error instanceof UncheckedIOException e)) {
                throw error;
            }
            failed.getErr().println("error: " + (e.getMessage().equals(e.getCause().toString())
                    ? IoErrors.describe(e.getCause(), null) : e.getMessage()));
            return TrainerExitCode.FAILED.code();
        }).setParameterExceptionHandler((error, args) -> {
            CommandLine failed = error.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println(error.getMessage());
            UnmatchedArgumentException.printSuggestions(error, err);
            err.println("See '" + failed.getCommandSpec().qualifiedName() + " --help'.");
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
