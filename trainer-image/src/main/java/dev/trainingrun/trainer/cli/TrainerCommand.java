package dev.trainingrun.trainer.cli;

import ai.djl.engine.EngineException;
import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.trainer.files.IoErrors;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.UnmatchedArgumentException;

/** The trainer's command line: {@code train}, {@code generate-data}, {@code benchmark}; main only parses arguments and exits. */
@Command(name = "trainer", mixinStandardHelpOptions = true, version = "trainingrun trainer",
        description = "Trains image classifiers described by TrainingRun manifests, on DJL with the PyTorch engine.",
        subcommands = {TrainCommand.class, GenerateDataCommand.class, BenchmarkCommand.class})
public final class TrainerCommand implements Runnable {
    /** Longest part of an out-of-memory message quoted: libtorch's carry its C++ frames. */
    private static final int CAUSE_LENGTH = 200;

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
        int code;
        try {
            code = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            // Thrown on the command's own thread: picocli hands only exceptions to the handler below.
            System.err.println(outOfMemory(e).orElseThrow());
            code = TrainerExitCode.FAILED.code();
        }
        System.exit(code);
    }

    /**
     * The command line as {@code main} runs it. A usage error prints the error, picocli's suggestions for a mistyped
     * option and where the help is, not the whole usage, which would push the error off the screen. A file that
     * cannot be written on the way ({@link UncheckedIOException}) and memory that runs out ({@link #outOfMemory}) print
     * one line and exit {@link TrainerExitCode#FAILED}.
     */
    static CommandLine commandLine() {
        return new CommandLine(new TrainerCommand()).setExecutionExceptionHandler((error, failed, parsed) -> {
            // A volume that fails on the way (full, gone read-only): the message says what was being written where,
            // and a retry, on a volume with room again, may pass. Java's own (new UncheckedIOException(cause)) takes
            // the cause's toString(), its class name first, as its message.
            Optional<String> memory = outOfMemory(error);
            if (memory.isPresent()) {
                failed.getErr().println(memory.get());
                return TrainerExitCode.FAILED.code();
            }
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

    /**
     * The line to print when {@code failure}, or one of its causes, says that memory ran out: the JVM's heap or direct
     * buffers ({@link OutOfMemoryError}), or libtorch's allocator ("can't allocate memory" on a CPU, "out of memory"
     * on a GPU); empty for any other failure.
     */
    static Optional<String> outOfMemory(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = Objects.requireNonNullElse(cause.getMessage(), "").lines().findFirst().orElse("");
            boolean libtorch = cause instanceof EngineException
                    && (message.contains("can't allocate memory") || message.contains("out of memory"));
            if (cause instanceof OutOfMemoryError || libtorch) {
                String said = message.length() <= CAUSE_LENGTH ? message : message.substring(0, CAUSE_LENGTH) + "...";
                return Optional.of("error: out of memory in " + (libtorch ? "libtorch" : "the JVM") + " (" + said
                        + "). A smaller batch or image size needs less; or give the trainer more: the pod's memory "
                        + "limit, and TRAINER_JAVA_OPTS=-Xmx... for the JVM's heap.");
            }
        }
        return Optional.empty();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
