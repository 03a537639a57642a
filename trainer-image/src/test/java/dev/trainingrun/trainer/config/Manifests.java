package dev.trainingrun.trainer.config;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunYaml;

/** TrainingRun manifests for tests, written as the YAML of their spec alone. */
public final class Manifests {
    private Manifests() {}

    /** A TrainingRun named {@code t} with the given spec (YAML, unindented), read as a manifest file named "test". */
    public static TrainingRun withSpec(String specYaml) {
        return TrainingRunYaml.read("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata: {name: t}
                spec:
                """ + specYaml.indent(2), "test");
    }
}
