package dev.trainingrun.trainer.data;

import dev.trainingrun.trainer.config.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The training and validation folders of a run, checked against each other and the manifest before training:
 * the same classes on both sides, as many as the model has outputs, enough readable training images for one batch,
 * and at most {@link #MAX_UNREADABLE_SHARE} of either folder's image files unreadable.
 */
public record DataSets(ImageFolderIndex train, ImageFolderIndex validation) {
    /**
     * The share of a folder's image files that may be unreadable. A few broken files are normal in data people
     * collect; more than one in ten means the folder is not what the run expects (a copy cut short, a wrong mount,
     * a format the trainer does not read), and training on the rest would be silently wrong.
     */
    public static final double MAX_UNREADABLE_SHARE = 0.10;

    /** Scans both folders (image headers read on {@code threads} threads) and reports every problem at once. */
    public static DataSets open(Path trainDir, Path valDir, int numClasses, int batchSize, ImageDecoder decoder,
            int threads) {
        List<String> problems = new ArrayList<>();
        ImageFolderIndex train = scan(trainDir, "spec.data.trainDir", decoder, threads, problems);
        ImageFolderIndex validation = scan(valDir, "spec.data.valDir", decoder, threads, problems);
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
                    + " has only " + train.samples().size() + " readable images, not enough for one full batch");
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return new DataSets(train, validation);
    }

    /** Every image file the scan found unreadable, training folder first. */
    public List<SkippedImage> unreadable() {
        return Stream.concat(train.unreadable().stream(), validation.unreadable().stream()).toList();
    }

    /**
     * The error for a folder with too many unreadable image files, or null: {@code unreadable} of the folder's
     * {@code unreadable + readable} image files cannot be decoded. Used at the scan and again while training, when
     * files whose pixel data fails are found.
     */
    public static String tooManyUnreadable(String field, Path folder, List<SkippedImage> unreadable, int readable) {
        int total = unreadable.size() + readable;
        if (unreadable.size() <= MAX_UNREADABLE_SHARE * total) {
            return null;
        }
        SkippedImage first = unreadable.get(0);
        return String.format(Locale.ROOT, "%s: %d of the %d image files in %s cannot be read (%.0f %%, more than the "
                        + "%.0f %% a run accepts; the folder is likely not what the run expects), e.g. %s: %s", field,
                unreadable.size(), total, folder, 100.0 * unreadable.size() / total, 100 * MAX_UNREADABLE_SHARE,
                folder.relativize(first.path()), first.reason());
    }

    private static ImageFolderIndex scan(Path dir, String field, ImageDecoder decoder, int threads, List<String> problems) {
        try {
            ImageFolderIndex folder = ImageFolderIndex.scan(dir, field, decoder, threads);
            String tooMany = tooManyUnreadable(field, dir, folder.unreadable(), folder.samples().size());
            if (tooMany != null) {
                problems.add(tooMany);
            }
            return folder;
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
