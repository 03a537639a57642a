package dev.trainingrun.operator.dependents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunStatus;
import dev.trainingrun.api.TrainingRunYaml;
import dev.trainingrun.operator.Runs;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/** The ConfigMap holds exactly what the trainer's command line reads. */
class RunConfigMapDependentTest {

    @Test
    void runYamlIsTheDefaultedSpecWithTheRunsIdentity() {
        TrainingRun run = Runs.run("cats", "{model: {numClasses: 7}, data: {volume: {nfs: {server: s, path: /d}}}}");
        run.getMetadata().setResourceVersion("42");
        run.setStatus(new TrainingRunStatus());
        ConfigMap configMap = RunConfigMapDependent.desiredConfigMap(run);
        assertEquals("cats-config", configMap.getMetadata().getName());
        assertEquals("ml", configMap.getMetadata().getNamespace());

        String yaml = configMap.getData().get("run.yaml");
        TrainingRun read = TrainingRunYaml.read(yaml, "run.yaml");
        assertEquals("cats", read.getMetadata().getName());
        assertEquals("ml", read.getMetadata().getNamespace());
        assertEquals(Runs.UID, read.getMetadata().getUid());
        assertNull(read.getMetadata().getResourceVersion());
        assertNull(read.getStatus());
        assertFalse(yaml.contains("status"), yaml);
        KubernetesSerialization json = new KubernetesSerialization();
        assertEquals(json.asJson(run.getSpec()), json.asJson(read.getSpec()));
        assertEquals(7, read.getSpec().getModel().getNumClasses());
    }
}
