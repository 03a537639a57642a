package dev.trainingrun.trainer.cli;

import dev.trainingrun.trainer.files.Folders;
import dev.trainingrun.trainer.generate.ShapesDataSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code generate-data}: writes the shapes data set the quickstart and the tests train on. */
@Command(name = "generate-data", mixinStandardHelpOptions = true,
        description = "Writes a small ImageFolder data set of shapes on noise (train/ and val/), the same for a seed.")
final class GenerateDataCommand implements Callable<Integer> {
    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder to write train/ and val/ to.")
    private Path output;

    @Option(names = "--classes", defaultValue = "3", description = "Number of shape classes (default ${DEFAULT-VALUE}).")
    private int classes;

    @Option(names = "--train-per-class", defaultValue = "300", description = "Training images per class (default ${DEFAULT-VALUE}).")
    private int trainPerClass;

    @Option(names = "--val-per-class", defaultValue = "60", description = "Validation images per class (default ${DEFAULT-VALUE}).")
    private int valPerClass;

    @Option(names = "--size", defaultValue = "64", description = "Image side in pixels (default ${DEFAULT-VALUE}).")
    private int size;

    @Option(names = "--seed", defaultValue = "0", description = "Seed; the same seed writes the same images (default ${DEFAULT-VALUE}).")
    private long seed;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        // Checked before anything is written: a refused value leaves no half-written folder behind.
        List<String> problems = new ArrayList<>();
        ShapesDataSet.CLASSES.problem("--classes", classes).ifPresent(problems::add);
        ShapesDataSet.TRAIN_PER_CLASS.problem("--train-per-class", trainPerClass).ifPresent(problems::add);
        ShapesDataSet.VAL_PER_CLASS.problem("--val-per-class", valPerClass).ifPresent(problems::add);
        ShapesDataSet.SIZE.problem("--size", size).ifPresent(problems::add);
        Folders.cannotBeMade(output).map(problem -> "--output: " + problem).ifPresent(problems::add);
        if (!problems.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join("\n", problems));
        }
        ShapesDataSet.Spec data = new ShapesDataSet.Spec(classes, trainPerClass, valPerClass, size, seed);
        ShapesDataSet.write(output, data);
        System.out.printf("wrote %d training and %d validation images of %s to %s%n", classes * trainPerClass,
                classes * valPerClass, ShapesDataSet.classes(data), output);
        return 0;
    }
}
