package dev.trainingrun.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.TrainingRunYaml.InvalidManifestException;
import org.junit.jupiter.api.Test;

/** Reading a manifest outside the API server fails with messages that name the field. */
class TrainingRunYamlTest {
    private static final String HEADER = """
            apiVersion: trainingrun.dev/v1alpha1
            kind: TrainingRun
            metadata: {name: t}
            """;

    private static String messageFor(String yaml) {
        return assertThrows(InvalidManifestException.class, () -> TrainingRunYaml.read(yaml, "run.yaml")).getMessage();
    }

    @Test
    void aMinimalManifestGetsTheSeedDefaults() {
        TrainingRun run = TrainingRunYaml.read(HEADER + "spec: {data: {volume: {nfs: {server: s, path: /d}}}}", "m");
        TrainingSpec training = run.getSpec().getTraining();
        assertEquals(5, training.getEpochs());
        assertEquals(4, training.getBatchSize());
        assertEquals(0.001, training.getLearningRate());
        assertEquals(1, training.getWarmupEpochs());
        assertEquals(2, run.getSpec().getModel().getNumClasses());
        assertEquals(256, run.getSpec().getData().getImageSize());
        assertEquals("train", run.getSpec().getData().getTrainDir());
    }

    @Test
    void anUnknownFieldIsNamedWithItsPath() {
        String message = messageFor(HEADER + "spec: {training: {epoch: 3}}");
        assertTrue(message.startsWith("run.yaml: spec.training.epoch: unknown field"), message);
        assertTrue(message.contains("epochs"), message);
    }

    @Test
    void aWrongEnumValueListsTheAllowedOnes() {
        String message = messageFor(HEADER + "spec: {model: {architecture: ResNet101}}");
        assertTrue(message.contains("spec.model.architecture"), message);
        assertTrue(message.contains("\"ResNet101\" is not one of [ResNet18, ResNet34, ResNet50, ResNet18RandomEncoder]"),
                message);
    }

    @Test
    void aWrongTypeSaysWhatWasExpected() {
        String message = messageFor(HEADER + "spec: {training: {epochs: many}}");
        assertTrue(message.contains("spec.training.epochs: expected an integer"), message);
    }

    @Test
    void anotherKindIsRefused() {
        String message = messageFor("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n");
        assertTrue(message.contains("expected kind TrainingRun"), message);
    }

    @Test
    void brokenYamlIsReportedAsSuch() {
        String message = messageFor(HEADER + "spec: {training: [unclosed");
        assertTrue(message.startsWith("run.yaml: not valid YAML"), message);
    }
}
