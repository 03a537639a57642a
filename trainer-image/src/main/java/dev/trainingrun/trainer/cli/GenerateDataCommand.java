package dev.trainingrun.trainer.cli;

import dev.trainingrun.trainer.generate.ShapesDataSet;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code generate-data}: writes the shapes data set the quickstart and the tests train on. */
@Command(name = "generate-data", mixinStandardHelpOptions = true,
        description = "Writes a small ImageFolder data set of shapes on noise (train/ and val/), the same for a seed.")
final class GenerateDataCommand implements Callable<Integer> {
    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder to write train/ and val/ to.")
    private Path output;

    @Option(names = "--classes", defaultValue = "3", description = "Number of shape classes, 2 to 5 (default ${DEFAULT-VALUE}).")
    private int classes;

    @Option(names = "--train-per-class", defaultValue = "300", description = "Training images per class (default ${DEFAULT-VALUE}).")
    private int trainPerClass;

    @Option(names = "--val-per-class", defaultValue = "60", description = "Validation images per class (default ${DEFAULT-VALUE}).")
    private int valPerClass;

    @Option(names = "--size", defaultValue = "64", description = "Image side in pixels (default ${DEFAULT-VALUE}).")
    private int size;

    @Option(names = "--seed", defaultValue = "0", description = "Seed; the same seed writes the same images (default ${DEFAULT-VALUE}).")
    private long seed;

    @Override
    public Integer call() {
        ShapesDataSet.Spec spec = new ShapesDataSet.Spec(classes, trainPerClass, valPerClass, size, seed);
        ShapesDataSet.write(output, spec);
        System.out.printf("wrote %d training and %d validation images of %s to %s%n", classes * trainPerClass,
                classes * valPerClass, ShapesDataSet.classes(spec), output);
        return 0;
    }
}
