package dev.trainingrun.operator.dependents;

import dev.trainingrun.operator.config.OperatorConfig;
import java.util.List;

/** What the operator's installation decides about every training pod, as opposed to what each run decides. */
public record TrainerDefaults(String image, String imagePullPolicy, List<String> propagatedPrefixes) {
    public static TrainerDefaults from(OperatorConfig config) {
        return new TrainerDefaults(config.trainerImage(), config.imagePullPolicy(), config.propagatedPrefixes());
    }
}
