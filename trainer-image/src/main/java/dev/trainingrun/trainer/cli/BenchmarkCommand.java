package dev.trainingrun.trainer.cli;

import dev.trainingrun.api.Architecture;
import dev.trainingrun.api.DataSpec;
import dev.trainingrun.api.DataVolume;
import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunSpec;
import dev.trainingrun.trainer.bench.CheckpointBenchmark;
import dev.trainingrun.trainer.bench.Measurement;
import dev.trainingrun.trainer.bench.MeasurementStopped;
import dev.trainingrun.trainer.bench.PipelineBenchmark;
import dev.trainingrun.trainer.bench.TrainingBenchmark;
import dev.trainingrun.trainer.config.ManifestValidator;
import dev.trainingrun.trainer.engine.StopRequest;
import dev.trainingrun.trainer.files.Folders;
import dev.trainingrun.trainer.files.ScratchFolder;
import dev.trainingrun.trainer.generate.ShapesDataSet;
import dev.trainingrun.trainer.model.MemoryFormat;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code benchmark}: training images/s per model and size on synthetic tensors, and the data pipeline's images/s
 * on generated PNGs, as JSON lines (hack/benchmark-trainer runs it beside PyTorch eager and prints the ratios).
 * The engine's intra-op threads are set with {@code -Dai.djl.pytorch.num_threads}.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = {"Measures training and data-loading throughput; prints one JSON line per figure: images/s "
                + "(imagesPerSecond) over the timed steps and seconds; for training, partSeconds.optimizer (seconds "
                + "of those spent in the optimiser step) and the memoryFormat trained in.",
            "Intra-op threads: TRAINER_JAVA_OPTS=-Dai.djl.pytorch.num_threads=N (default: the CPUs available)."})
final class BenchmarkCommand implements Callable<Integer> {
    private static final String TRAIN = "train";
    private static final String DATA = "data";
    private static final String CHECKPOINT = "checkpoint";
    /** What the benchmark measures, each of which {@code --skip} can leave out. */
    private static final List<String> PARTS = List.of(TRAIN, DATA, CHECKPOINT);
    /** The fields of a run that the options set, to name the option in a problem the trainer finds with a field. */
    private static final Map<String, String> OPTION_OF_FIELD = Map.of(
            "spec.data.imageSize", "--sizes",
            "spec.data.loaderThreads", "--loader-threads",
            "spec.training.batchSize", "--batch");

    @Option(names = "--models", split = ",", defaultValue = "ResNet18,ResNet50",
            description = "Architectures to train (default ${DEFAULT-VALUE}).")
    private List<Architecture> models;

    @Option(names = "--sizes", split = ",", defaultValue = "224,64",
            description = "Image sizes in pixels, each one spec.data.imageSize accepts (default ${DEFAULT-VALUE}).")
    private List<Integer> sizes;

    @Option(names = "--batch", defaultValue = "16", description = "Batch size (default ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--warmup-steps", defaultValue = "3", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    private int warmupSteps;

    @Option(names = "--min-steps", defaultValue = "5", description = "Timed steps at least (default ${DEFAULT-VALUE}).")
    private int minSteps;

    @Option(names = "--min-seconds", defaultValue = "20", description = "Timed seconds at least, per training figure; a data figure times a quarter of it (default ${DEFAULT-VALUE}).")
    private double minSeconds;

    @Option(names = "--memory-format", paramLabel = "FORMAT", converter = MemoryFormatConverter.class,
            description = "Train in this memory format, contiguous or channels-last (default: as training chooses, "
                    + "channels-last from 128 px on the CPU).")
    private MemoryFormat memoryFormat;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Where the pipeline benchmark's images are (generated when missing): DIR/<size>/train "
                    + "(a temporary folder, removed afterwards, when left out).")
    private Path data;

    @Option(names = "--loader-threads", defaultValue = "2", description = "Loader threads (default ${DEFAULT-VALUE}).")
    private int loaderThreads;

    @Option(names = "--skip", split = ",", converter = PartConverter.class,
            description = "Parts to leave out: train, data, checkpoint.")
    private List<String> skip = List.of();

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "An existing folder to save the step checkpoints in, each model's in a folder of its own "
                    + "that is removed afterwards (the temporary folder when left out): put it on the storage the "
                    + "runs' checkpoints go to.")
    private Path checkpointDir;

    @Option(names = "--saves", defaultValue = "5", description = "Step checkpoints saved per model (default ${DEFAULT-VALUE}).")
    private int saves;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (skip.containsAll(PARTS)) {
            throw new ParameterException(spec.commandLine(), "--skip leaves out every part (" + String.join(", ", PARTS)
                    + "): nothing to measure");
        }
        Set<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join("\n", problems));
        }
        StopRequest stop = StopSignals.install(System.err, "stopping after the current step; what the benchmark "
                + "made is removed");
        try {
            measure(stop::requested);
        } catch (MeasurementStopped e) {
            System.err.println("stopped on request: no figure for the part that was running");
            return TrainerExitCode.STOPPED.code();
        }
        return 0;
    }

    /** Prints each part's figures as they come, until {@code stopRequested} turns true. */
    private void measure(BooleanSupplier stopRequested) throws IOException {
        int threads = Integer.getInteger("ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors());
        if (!skip.contains(DATA)) {
            try (ScratchFolder scratch = data != null ? null : ScratchFolder.create(null, "trainer-benchmark")) {
                Path root = data != null ? data : scratch.path();
                for (int size : sizes) {
                    Path folder = root.resolve(Integer.toString(size));
                    if (!Files.isDirectory(folder.resolve("train"))) {
                        // Sources a little larger than the crop, as in ImageNet-style training at 224 px from ~256 px.
                        ShapesDataSet.write(folder, new ShapesDataSet.Spec(3, 128, 0, size * 8 / 7, 0));
                    }
                    print(PipelineBenchmark.measure(folder.resolve("train"), size, batch, loaderThreads,
                            minSeconds / 4, stopRequested), loaderThreads);
                }
            }
        }
        if (!skip.contains(TRAIN)) {
            for (Architecture model : models) {
                for (int size : sizes) {
                    print(TrainingBenchmark.measure(model, size, batch, warmupSteps, minSteps, minSeconds,
                            Optional.ofNullable(memoryFormat), stopRequested), threads);
                }
            }
        }
        if (!skip.contains(CHECKPOINT)) {
            Path folder = checkpointDir != null ? checkpointDir : Path.of(System.getProperty("java.io.tmpdir"));
            for (Architecture model : models) {
                System.out.println(CheckpointBenchmark.measure(model, folder, saves, stopRequested).json());
                System.out.flush();
            }
        }
    }

    /**
     * A value given twice, and what the trainer would refuse in a run of each model and size with this batch and
     * these loader threads: the CRD's bounds and the trainer's own checks, so that the benchmark measures only what
     * a run could train, and stops before it starts instead of in the middle with an engine's error.
     */
    private Set<String> problems() {
        Set<String> problems = new LinkedHashSet<>();
        atLeast("--warmup-steps", warmupSteps, 0).ifPresent(problems::add);
        atLeast("--min-steps", minSteps, 1).ifPresent(problems::add);
        atLeast("--min-seconds", minSeconds, 0).ifPresent(problems::add);
        if (minSeconds == Double.POSITIVE_INFINITY) {
            problems.add("--min-seconds: must be a number of seconds, got Infinity, which would never end");
        }
        atLeast("--saves", saves, 1).ifPresent(problems::add);
        if (data != null) {
            Folders.cannotBeMade(data).map(problem -> "--data: " + problem).ifPresent(problems::add);
        }
        if (checkpointDir != null && checkpointDir.toString().isEmpty()) {
            problems.add("--checkpoint-dir: " + Folders.EMPTY);
        } else if (checkpointDir != null && !Files.isDirectory(checkpointDir)) {
            problems.add("--checkpoint-dir: " + (Files.exists(checkpointDir) ? checkpointDir + " is not a folder"
                    : "folder " + checkpointDir + " does not exist"));
        }
        twice("--models", models).ifPresent(problems::add);
        twice("--sizes", sizes).ifPresent(problems::add);
        for (Architecture model : models) {
            for (int size : sizes) {
                for (String problem : ManifestValidator.problems(run(model, size))) {
                    problems.add(OPTION_OF_FIELD.entrySet().stream()
                            .filter(option -> problem.startsWith(option.getKey() + ":"))
                            .map(option -> option.getValue() + ": " + problem)
                            .findFirst().orElse(problem));
                }
            }
        }
        return problems;
    }

    private static Optional<String> atLeast(String option, double value, double min) {
        if (value >= min) {
            return Optional.empty(); // not for NaN, which is no number of seconds either
        }
        DecimalFormat number = new DecimalFormat("0.###", DecimalFormatSymbols.getInstance(Locale.ROOT));
        return Optional.of(option + ": must be at least " + number.format(min) + ", got " + number.format(value));
    }

    private static Optional<String> twice(String option, List<?> values) {
        Set<Object> seen = new HashSet<>();
        return values.stream().filter(value -> !seen.add(value)).findFirst()
                .map(value -> option + ": " + value + " is given twice, and would be measured twice");
    }

    /** The run whose training this benchmark measures, as far as the options say. */
    private TrainingRun run(Architecture model, int size) {
        DataVolume volume = new DataVolume();
        volume.setPersistentVolumeClaim(new PersistentVolumeClaimVolumeSource("benchmark", true));
        DataSpec data = new DataSpec();
        data.setVolume(volume);
        data.setImageSize(size);
        data.setLoaderThreads(loaderThreads);
        TrainingRunSpec runSpec = new TrainingRunSpec();
        runSpec.setData(data);
        runSpec.getModel().setArchitecture(model);
        runSpec.getTraining().setBatchSize(batch);
        TrainingRun run = new TrainingRun();
        run.setMetadata(new ObjectMetaBuilder().withName("benchmark").build());
        run.setSpec(runSpec);
        return run;
    }

    private static void print(Measurement measurement, int threads) {
        System.out.println(measurement.json("djl", threads));
        System.out.flush();
    }

    /** One of {@link #PARTS}. */
    static final class PartConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!PARTS.contains(value)) {
                throw new TypeConversionException("expected one of " + String.join(", ", PARTS) + ", got '" + value
                        + "'");
            }
            return value;
        }
    }

    /** A {@link MemoryFormat} by its label. */
    static final class MemoryFormatConverter implements ITypeConverter<MemoryFormat> {
        @Override
        public MemoryFormat convert(String value) {
            return MemoryFormat.ofLabel(value).orElseThrow(() -> new TypeConversionException(
                    "expected contiguous or channels-last, got '" + value + "'"));
        }
    }
}
