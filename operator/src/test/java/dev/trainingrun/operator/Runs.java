package dev.trainingrun.operator;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunYaml;

/** TrainingRuns for unit tests, as the API server would hand them to the operator (defaulted, with identity). */
public final class Runs {
    public static final String UID = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";

    private Runs() {}

    /** A run named {@code name} in namespace {@code ml} with the given spec (YAML flow or block style). */
    public static TrainingRun run(String name, String spec) {
        TrainingRun run = TrainingRunYaml.read("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata: {name: %s, namespace: ml, uid: %s, generation: 1}
                spec: %s
                """.formatted(name, UID, spec), name);
        return run;
    }

    /** The smallest run: data from an NFS export, everything else defaulted. */
    public static TrainingRun minimal() {
        return run("cats", "{data: {volume: {nfs: {server: nfs.example, path: /cats}}}}");
    }
}
