package dev.trainingrun.trainer.config;

import dev.trainingrun.api.Architecture;
import dev.trainingrun.api.Durations;
import dev.trainingrun.api.Normalization;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Everything one training run needs, resolved: the TrainingRun manifest it came from (the same YAML a user
 * applies, or the one the operator hands the pod), with the data folders placed under the data volume's root and the
 * run's own output folder (its checkpoints and files). Built only through {@link #from}, which validates first.
 */
public record TrainingConfig(
        TrainingRun manifest,
        Architecture architecture,
        int numClasses,
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
        int saveAfterEpoch,
        int keepCheckpoints,
        Duration checkpointInterval,
        boolean resume,
        int gpus,
        Path outputDir) {

    /**
     * Validates a manifest and resolves it against the data volume's root, the output folder and the CPUs this
     * process may use ({@link Runtime#availableProcessors}, which counts a container's CPU limit); every problem is
     * reported at once, each naming its field.
     */
    public static TrainingConfig from(TrainingRun run, Path dataRoot, Path outputDir) {
        return from(run, dataRoot, outputDir, Runtime.getRuntime().availableProcessors());
    }

    /**
     * As {@link #from(TrainingRun, Path, Path)}, for a process that may use {@code cpus} CPUs: libtorch's intra-op
     * threads are {@code spec.training.intraOpThreads}, or {@code cpus} (libtorch's own default is the node's cores,
     * whatever the container's limit); the loader threads are {@code spec.data.loaderThreads}, at most {@code cpus}.
     */
    public static TrainingConfig from(TrainingRun run, Path dataRoot, Path outputDir, int cpus) {
        List<String> problems = ManifestValidator.problems(run);
        if (!Files.isDirectory(dataRoot)) {
            problems = concat(problems, "--data: " + (Files.exists(dataRoot)
                    ? dataRoot + " is a file, expected the data volume's folder"
                    : "folder " + dataRoot + " does not exist"));
        }
        if (Files.exists(outputDir) && !Files.isDirectory(outputDir)) {
            problems = concat(problems, "--output: " + outputDir + " exists and is not a folder");
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        TrainingRunSpec spec = run.getSpec();
        var data = spec.getData();
        var training = spec.getTraining();
        var checkpoints = spec.getCheckpoints();
        return new TrainingConfig(
                run,
                spec.getModel().getArchitecture(),
                spec.getModel().getNumClasses(),
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
                checkpoints.getSaveAfterEpoch(),
                checkpoints.getKeep(),
                Durations.parse(checkpoints.getInterval()),
                checkpoints.isResume(),
                spec.getResources().getGpus(),
                outputDir);
    }

    private static List<String> concat(List<String> problems, String problem) {
        return Stream.concat(problems.stream(), Stream.of(problem)).toList();
    }
}
