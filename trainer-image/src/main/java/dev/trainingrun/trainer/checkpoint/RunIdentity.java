package dev.trainingrun.trainer.checkpoint;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.trainingrun.api.Normalization;
import dev.trainingrun.trainer.config.TrainingConfig;
import dev.trainingrun.trainer.data.ImageFolderIndex;
import dev.trainingrun.trainer.data.Sample;
import dev.trainingrun.trainer.events.LoadedWeights;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything that decides what a run computes: the network's shape, the classes, the training files (their order
 * is a function of the seed and this list), the transforms and the schedule. A checkpoint records it, and is only
 * continued by a run with the same identity; anything else would not be the same run resumed.
 */
public record RunIdentity(@JsonValue Map<String, String> fields) {

    /** In a checkpoint's header: the fields as one JSON object of strings. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public RunIdentity {}

    /**
     * The identity of a configured run on its scanned training folder, started from {@code weights} if given. The
     * initial weights and a frozen backbone are fields only when the run has them, so that a checkpoint written
     * before they existed still continues a run without them.
     */
    public static RunIdentity of(TrainingConfig config, ImageFolderIndex train, Optional<LoadedWeights> weights) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("spec.model.architecture", config.architecture().name());
        fields.put("spec.model.numClasses", Integer.toString(config.numClasses()));
        weights.ifPresent(w -> fields.put("spec.model.weights", "sha256 " + w.sha256()));
        if (config.freezeBackbone()) {
            fields.put("spec.model.freezeBackbone", "true");
        }
        fields.put("classes", String.join(",", train.classes()));
        fields.put("training images", train.samples().size() + " files, list sha256 " + fingerprint(train));
        fields.put("spec.data.imageSize", Integer.toString(config.imageSize()));
        Normalization normalize = config.normalization();
        fields.put("spec.data.normalize", normalize.isEnabled()
                ? "mean " + normalize.getMean() + " std " + normalize.getStd() : "off");
        fields.put("spec.training.epochs", Integer.toString(config.epochs()));
        fields.put("spec.training.batchSize", Integer.toString(config.batchSize()));
        fields.put("spec.training.learningRate", Double.toString(config.learningRate()));
        fields.put("spec.training.warmupEpochs", Integer.toString(config.warmupEpochs()));
        fields.put("spec.training.weightDecay", Double.toString(config.weightDecay()));
        fields.put("spec.training.seed", Long.toString(config.seed()));
        return new RunIdentity(fields);
    }

    /**
     * Each field that differs, as "FIELD is X in the checkpoint but Y here" (a field only one side has is "not set"
     * on the other); empty when the runs are the same.
     */
    public List<String> differencesFrom(RunIdentity checkpoint) {
        Set<String> names = new LinkedHashSet<>(fields.keySet());
        names.addAll(checkpoint.fields.keySet());
        List<String> differences = new ArrayList<>();
        for (String field : names) {
            String here = fields.get(field);
            String there = checkpoint.fields.get(field);
            if (!Objects.equals(here, there)) {
                differences.add(field + " is " + (there == null ? "not set" : there) + " in the checkpoint but "
                        + (here == null ? "not set" : here) + " here");
            }
        }
        return differences;
    }

    /** A digest of the training files' labels and paths, relative so that the mount point does not matter. */
    private static String fingerprint(ImageFolderIndex train) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Sample sample : train.samples()) {
                String line = train.root().relativize(sample.path()).toString().replace('\\', '/') + "\t"
                        + sample.label() + "\n";
                digest.update(line.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
