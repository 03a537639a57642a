package dev.trainingrun.trainer.config;

import dev.trainingrun.api.Architecture;
import dev.trainingrun.api.Durations;
import dev.trainingrun.api.Normalization;
import dev.trainingrun.api.RunSource;
import dev.trainingrun.api.TrainerPod;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunSpec;
import dev.trainingrun.trainer.events.StopRules;
import dev.trainingrun.trainer.files.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Everything one training run needs, resolved: the TrainingRun manifest it came from (the same YAML a user
 * applies, or the one the operator hands the pod), with the data folders and the initial weights placed under the
 * data volume's root, the run's own output folder (its checkpoints and files), and for a fork (spec.model.from) the
 * source run's folder. Built only through {@link #from}, which validates first.
 *
 * @param weights the initial weights' file ({@code spec.model.weights}), empty for the seed's initialisation
 * @param freezeBackbone whether only the head trains ({@code spec.model.freezeBackbone})
 */
public record TrainingConfig(
        TrainingRun manifest,
        Architecture architecture,
        int numClasses,
        Optional<Path> weights,
        boolean freezeBackbone,
        Path trainDir,
        Path valDir,
        int imageSize,
        Normalization normalization,
        int cpus,
        int intraOpThreads,
        int loaderThreads,
        int epochs,
        int batchSize,
        int validationBatchSize,
        double learningRate,
        int warmupEpochs,
        double weightDecay,
        long seed,
        StopRules stopRules,
        int saveAfterEpoch,
        int keepCheckpoints,
        Duration checkpointInterval,
        boolean resume,
        int gpus,
        Path outputDir,
        Optional<Path> sourceDir) {

    /**
     * Validates a manifest and resolves it against the data volume's root, the output folder and the CPUs this
     * process may use ({@link Runtime#availableProcessors}, which counts a container's CPU limit); every problem is
     * reported at once, each naming its field.
     */
    public static TrainingConfig from(TrainingRun run, Path dataRoot, Path outputDir) {
        return from(run, dataRoot, outputDir, Optional.empty());
    }

    /**
     * As {@link #from(TrainingRun, Path, Path)}, for a run that may be a fork: {@code sourceDir} ({@code --from}) is
     * the source run's folder, given exactly when the manifest has spec.model.from.
     */
    public static TrainingConfig from(TrainingRun run, Path dataRoot, Path outputDir, Optional<Path> sourceDir) {
        return from(run, dataRoot, outputDir, sourceDir, Runtime.getRuntime().availableProcessors());
    }

    /**
     * As {@link #from(TrainingRun, Path, Path)}, for a process that may use {@code cpus} CPUs: libtorch's intra-op
     * threads are {@code spec.training.intraOpThreads}, or {@code cpus} (libtorch's own default is the node's cores,
     * whatever the container's limit); the loader threads are {@code spec.data.loaderThreads}, at most {@code cpus}.
     */
    public static TrainingConfig from(TrainingRun run, Path dataRoot, Path outputDir, int cpus) {
        return from(run, dataRoot, outputDir, Optional.empty(), cpus);
    }

    private static TrainingConfig from(TrainingRun run, Path dataRoot, Path outputDir, Optional<Path> sourceDir,
            int cpus) {
        List<String> problems = ManifestValidator.problems(run);
        RunSource from = run.getSpec() != null && run.getSpec().getModel() != null
                ? run.getSpec().getModel().getFrom() : null;
        if (from != null && sourceDir.isEmpty()) {
            problems = concat(problems, "spec.model.from: the run starts from run " + from.getRun()
                    + "'s checkpoint; pass that run's folder with " + TrainerPod.FROM_OPTION + " DIR");
        } else if (from == null && sourceDir.isPresent()) {
            problems = concat(problems, TrainerPod.FROM_OPTION + ": " + sourceDir.get() + " is given, but the "
                    + "manifest has no spec.model.from to say which checkpoint to take from it");
        } else if (sourceDir.isPresent() && !Files.isDirectory(sourceDir.get())) {
            String source = "the folder of run " + from.getRun() + ", named by spec.model.from.run";
            problems = concat(problems, TrainerPod.FROM_OPTION + ": " + (Files.exists(sourceDir.get())
                    ? sourceDir.get() + " is a file, expected " + source
                    : "folder " + sourceDir.get() + " (" + source + ") does not exist"));
        }
        // An empty path is the working folder to Java: a forgotten value would read or write where the shell is.
        if (dataRoot.toString().isEmpty()) {
            problems = concat(problems, TrainerPod.DATA_OPTION + ": is empty, expected the data volume's folder");
        } else if (!Files.isDirectory(dataRoot)) {
            problems = concat(problems, "--data: " + (Files.exists(dataRoot)
                    ? dataRoot + " is a file, expected the data volume's folder"
                    : "folder " + dataRoot + " does not exist"));
        }
        // Whether the file fits the network is known once the network is built; here only whether it is there.
        String weights = problems.isEmpty() ? run.getSpec().getModel().getWeights() : null;
        if (weights != null && Files.isDirectory(dataRoot) && !Files.isRegularFile(dataRoot.resolve(weights))) {
            Path file = dataRoot.resolve(weights);
            problems = concat(problems, "spec.model.weights: " + (Files.exists(file)
                    ? file + " is not a file, expected a safetensors file of the initial weights"
                    : "file " + file + " does not exist"));
        }
        Optional<String> cannotBeMade = Folders.cannotBeMade(outputDir);
        if (cannotBeMade.isPresent()) {
            problems = concat(problems, TrainerPod.OUTPUT_OPTION + ": " + cannotBeMade.get());
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        TrainingRunSpec spec = run.getSpec();
        var data = spec.getData();
        // A run's folder among the images would have its own files (curves.png) taken for images when it resumes.
        for (var dataDir : List.of(Map.entry("spec.data.trainDir", data.getTrainDir()),
                Map.entry("spec.data.valDir", data.getValDir()))) {
            Path folder = dataRoot.resolve(dataDir.getValue());
            if (realPath(outputDir).startsWith(realPath(folder))) {
                problems = concat(problems, TrainerPod.OUTPUT_OPTION + ": folder " + outputDir + " is inside "
                        + folder + " (" + dataDir.getKey() + "), whose every image is read: the run's own files would "
                        + "be taken for images; put the run's folder outside it");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        var training = spec.getTraining();
        var checkpoints = spec.getCheckpoints();
        return new TrainingConfig(
                run,
                spec.getModel().getArchitecture(),
                spec.getModel().getNumClasses(),
                Optional.ofNullable(spec.getModel().getWeights()).map(dataRoot::resolve),
                spec.getModel().isFreezeBackbone(),
                dataRoot.resolve(data.getTrainDir()),
                dataRoot.resolve(data.getValDir()),
                data.getImageSize(),
                data.getNormalize(),
                cpus,
                training.getIntraOpThreads() != null ? training.getIntraOpThreads() : cpus,
                Math.min(data.getLoaderThreads(), cpus),
                training.getEpochs(),
                training.getBatchSize(),
                training.getValidationBatchSize(),
                training.getLearningRate(),
                training.getWarmupEpochs(),
                training.getWeightDecay(),
                training.getSeed(),
                StopRules.of(training.getStopWhen()),
                checkpoints.getSaveAfterEpoch(),
                checkpoints.getKeep(),
                Durations.parse(checkpoints.getInterval()),
                checkpoints.isResume(),
                spec.getResources().getGpus(),
                outputDir,
                sourceDir);
    }

    /** The path with the links of its longest existing part resolved, the part not made yet appended as it is. */
    private static Path realPath(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        for (Path existing = absolute; existing != null; existing = existing.getParent()) {
            try {
                return existing.toRealPath().resolve(existing.relativize(absolute));
            } catch (IOException e) {
                // not there (or not readable): the part above it is resolved instead
            }
        }
        return absolute;
    }

    private static List<String> concat(List<String> problems, String problem) {
        return Stream.concat(problems.stream(), Stream.of(problem)).toList();
    }
}
