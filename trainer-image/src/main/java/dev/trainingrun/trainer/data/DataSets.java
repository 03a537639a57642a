package dev.trainingrun.trainer.data;

import dev.trainingrun.trainer.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training and validation folders of a run, checked against each other and the manifest before training:
 * the same classes on both sides, as many as the model has outputs, and enough training images for one batch.
 */
public record DataSets(ImageFolder train, ImageFolder validation) {

    /** Scans both folders and reports every inconsistency at once. */
    public static DataSets open(Path trainDir, Path valDir, int numClasses, int batchSize) {
        List<String> problems = new ArrayList<>();
        ImageFolder train = scan(trainDir, "spec.data.trainDir", problems);
        ImageFolder validation = scan(valDir, "spec.data.valDir", problems);
        if (train != null && validation != null && !train.classes().equals(validation.classes())) {
            problems.add("spec.data.valDir: class folders of " + valDir + " " + validation.classes()
                    + " differ from those of spec.data.trainDir " + trainDir + " " + train.classes()
                    + classDifference(train.classes(), validation.classes()));
        }
        if (train != null && train.classes().size() != numClasses) {
            problems.add("spec.model.numClasses: is " + numClasses + " but spec.data.trainDir " + trainDir + " has "
                    + train.classes().size() + " class folders " + train.classes());
        }
        if (train != null && train.samples().size() < batchSize) {
            problems.add("spec.training.batchSize: is " + batchSize + " but spec.data.trainDir " + trainDir
                    + " has only " + train.samples().size() + " images, not enough for one full batch");
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return new DataSets(train, validation);
    }

    private static ImageFolder scan(Path dir, String field, List<String> problems) {
        try {
            return ImageFolder.scan(dir, field);
        } catch (InvalidInputException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    private static String classDifference(List<String> train, List<String> validation) {
        List<String> onlyTrain = new ArrayList<>(train);
        onlyTrain.removeAll(validation);
        List<String> onlyVal = new ArrayList<>(validation);
        onlyVal.removeAll(train);
        return ": only in training " + onlyTrain + ", only in validation " + onlyVal;
    }
}
