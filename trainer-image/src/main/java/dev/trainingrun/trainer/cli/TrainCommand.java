package dev.trainingrun.trainer.cli;

import dev.trainingrun.api.EarlyStop;
import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.api.TrainerPod;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunYaml;
import dev.trainingrun.trainer.RunTrainer;
import dev.trainingrun.trainer.config.InvalidInputException;
import dev.trainingrun.trainer.config.TrainingConfig;
import dev.trainingrun.trainer.console.MetricsTable;
import dev.trainingrun.trainer.console.ProgressPrinter;
import dev.trainingrun.trainer.engine.TrainingDiverged;
import dev.trainingrun.trainer.events.RunListener;
import dev.trainingrun.trainer.events.RunResult;
import dev.trainingrun.trainer.events.SavedStep;
import dev.trainingrun.trainer.files.IoErrors;
import dev.trainingrun.trainer.status.InClusterStatus;
import dev.trainingrun.trainer.status.StatusReporter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code train MANIFEST --data DIR --output DIR [--from DIR]}: one format for people and the operator, a TrainingRun
 * manifest; the data folders in it are relative to {@code --data}, the data volume's root, and a fork's source
 * folder is {@code --from}. The operator's Job names the
 * manifest with {@code --run MANIFEST}.
 */
@Command(name = TrainerPod.TRAIN, mixinStandardHelpOptions = true,
        description = "Trains the TrainingRun in MANIFEST and prints a table of per-epoch metrics.")
final class TrainCommand implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    private Manifest manifest;

    /** The manifest, as people pass it (an argument) or as the operator's Job does ({@code --run}). */
    static final class Manifest {
        @Parameters(index = "0", paramLabel = "MANIFEST", description = "TrainingRun manifest (YAML).")
        private Path argument;

        @Option(names = TrainerPod.RUN_OPTION, paramLabel = "MANIFEST", description = "The same, as an option.")
        private Path option;

        Path path() {
            return argument != null ? argument : option;
        }
    }

    @Option(names = TrainerPod.DATA_OPTION, required = true, paramLabel = "DIR",
            description = "Root of the data volume; spec.data.trainDir and valDir are relative to it.")
    private Path dataRoot;

    @Option(names = TrainerPod.OUTPUT_OPTION, required = true, paramLabel = "DIR",
            description = "The run's own output folder.")
    private Path output;

    @Option(names = TrainerPod.FROM_OPTION, paramLabel = "DIR",
            description = "For a fork (spec.model.from): the source run's folder, which is only read.")
    private Path sourceDir;

    @Option(names = TrainerPod.TERMINATION_MESSAGE_OPTION, paramLabel = "FILE",
            description = "Where to write why the run ended early (its container's termination message).")
    private Path terminationMessage;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        RunResult result;
        try {
            TrainingRun run = TrainingRunYaml.read(manifest.path());
            // The output folder is made only once the data has passed its checks: bad input leaves nothing behind.
            TrainingConfig config = TrainingConfig.from(run, dataRoot, output, Optional.ofNullable(sourceDir));
            List<RunListener> listeners = new ArrayList<>();
            listeners.add(new ProgressPrinter(out, System.console() != null));
            // In a pod the operator made: the run's status, written from inside the pod.
            Optional<StatusReporter> status = InClusterStatus.fromEnvironment(System.getenv(), System.err);
            status.ifPresent(listeners::add);
            try {
                result = RunTrainer.run(config, listeners, StopSignals.install(System.err,
                        "stopping after the current step; a step checkpoint will hold it"), Clock.systemUTC());
            } finally {
                status.ifPresent(StatusReporter::close);
            }
        } catch (TrainingRunYaml.InvalidManifestException e) {
            return badInput(e.problems());
        } catch (InvalidInputException e) {
            return badInput(e.problems());
        } catch (TrainingDiverged e) {
            System.err.println("error: " + e.getMessage());
            tellWhyItEnded(e.stop());
            return TrainerExitCode.DIVERGED.code();
        }
        if (result.stopped()) {
            SavedStep saved = result.stoppedAt().get();
            out.printf(Locale.ROOT, "stopped on request at epoch %d, step %d of %d; %s holds it. Run the same command "
                    + "again to continue.%n", saved.epoch(), saved.batches(), result.plan().stepsPerEpoch(),
                    saved.checkpoint());
            return TrainerExitCode.STOPPED.code();
        }
        out.println();
        out.print(MetricsTable.render(result.metrics()));
        out.printf(Locale.ROOT, "best validation accuracy %.2f %% at epoch %d%s; %.0f s in all%n",
                100 * result.best().valAccuracy(), result.best().epoch(),
                result.best().checkpoint().map(c -> " (" + c + ")").orElse(""), result.seconds());
        result.stoppedEarly().ifPresent(stop -> {
            out.printf(Locale.ROOT, "stopped early at epoch %d of %d (%s): %s%n", result.last().epoch(),
                    result.plan().epochs(), stop.reason(), stop.message());
            tellWhyItEnded(stop);
        });
        return TrainerExitCode.SUCCEEDED.code();
    }

    /**
     * Writes the early end to the termination-message file, when one is named, for the operator. Not being able to
     * is no reason to fail a run that has ended: a warning says so, and the run's files tell the reason anyway.
     */
    private void tellWhyItEnded(EarlyStop stop) {
        if (terminationMessage == null) {
            return;
        }
        try {
            // Written in place: Kubernetes mounts this one file, which cannot be replaced by a rename.
            Files.writeString(terminationMessage, stop.terminationMessage());
        } catch (IOException e) {
            System.err.println("warning: cannot write " + terminationMessage + " ("
                    + IoErrors.describe(e, terminationMessage) + "); the operator will not see why the run ended");
        }
    }

    private static int badInput(List<String> problems) {
        problems.forEach(problem -> System.err.println("error: " + problem));
        return TrainerExitCode.INVALID_INPUT.code();
    }
}
