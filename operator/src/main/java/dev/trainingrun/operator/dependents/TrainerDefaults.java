package dev.trainingrun.operator.dependents;

import dev.trainingrun.api.Architecture;
import dev.trainingrun.operator.config.OperatorConfig;
import java.util.List;

/** What the operator's installation decides about every training pod, as opposed to what each run decides. */
public record TrainerDefaults(String image, String imagePullPolicy, List<String> propagatedPrefixes, Stop stop) {

    /** The time a pod asked to stop is given: see {@link OperatorConfig.Stop}. */
    public record Stop(int stepSeconds, int writeMegabytesPerSecond, int marginSeconds) {

        /** The longest step, the step checkpoint of the network at the assumed write speed, and the margin. */
        public long gracePeriodSeconds(Architecture architecture, int numClasses) {
            long bytesPerSecond = writeMegabytesPerSecond * 1_000_000L;
            long saveSeconds = (architecture.checkpointBytes(numClasses) + bytesPerSecond - 1) / bytesPerSecond;
            return stepSeconds + saveSeconds + marginSeconds;
        }
    }

    public static TrainerDefaults from(OperatorConfig config) {
        OperatorConfig.Stop stop = config.stop();
        return new TrainerDefaults(config.trainerImage(), config.imagePullPolicy(), config.propagatedPrefixes(),
                new Stop(stop.stepSeconds(), stop.writeMegabytesPerSecond(), stop.marginSeconds()));
    }
}
