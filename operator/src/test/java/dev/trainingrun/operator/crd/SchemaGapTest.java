package dev.trainingrun.operator.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trainingrun.api.TrainingRun;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What an older served schema lacks, found on the CRD this operator ships and copies of it with parts removed. */
class SchemaGapTest {
    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static final YAMLMapper VALUES = new YAMLMapper();

    private JSONSchemaProps built;
    private JSONSchemaProps served;

    private static JSONSchemaProps shipped() throws IOException {
        try (InputStream crd = TrainingRun.class.getResourceAsStream(TrainingRun.CRD_RESOURCE)) {
            return YAML.unmarshal(crd, CustomResourceDefinition.class).getSpec().getVersions().get(0).getSchema()
                    .getOpenAPIV3Schema();
        }
    }

    @BeforeEach
    void load() throws IOException {
        built = shipped();
        served = shipped();
    }

    private JSONSchemaProps served(String dottedPath) {
        JSONSchemaProps node = served;
        for (String name : dottedPath.split("\\.")) {
            node = node.getProperties().get(name);
        }
        return node;
    }

    @Test
    void theSameSchemaLacksNothing() {
        assertEquals(List.of(), SchemaGap.missing(built, served));
    }

    @Test
    void fieldsAnOlderReleaseDidNotHaveAreListedByTheirPath() {
        served("spec.runPolicy").getProperties().remove("activeDeadlineSeconds");
        served("status").getProperties().remove("activeSeconds");
        served("status.epochs").getItems().getSchema().getProperties().remove("seconds");
        assertEquals(List.of("spec.runPolicy.activeDeadlineSeconds", "status.activeSeconds", "status.epochs[].seconds"),
                SchemaGap.missing(built, served));
    }

    @Test
    void aWholeObjectMissingIsOneEntry() {
        served("status").getProperties().remove("checkpoints");
        assertEquals(List.of("status.checkpoints"), SchemaGap.missing(built, served));
    }

    @Test
    void enumValuesTheServerWouldRefuseAreListed() {
        served("status.phase").getEnum().removeIf(value -> value.asText().equals("Suspended"));
        assertEquals(List.of("status.phase (value Suspended)"), SchemaGap.missing(built, served));
    }

    @Test
    void aValueIsCutDownToWhatTheServedSchemaDeclaresAtAnyDepth() throws IOException {
        served("status").getProperties().remove("activeSeconds");
        served("status.epochs").getItems().getSchema().getProperties().remove("seconds");
        JsonNode status = VALUES.readTree("""
                {phase: Running, activeSeconds: 40, attempts: 1,
                 conditions: [{type: Ready, status: "True", reason: JobCreated}],
                 epochs: [{epoch: 1, valAccuracy: 0.5, seconds: 12.5}],
                 checkpoints: {claimName: ckpt}}""");
        SchemaGap.dropUndeclared(status, served("status"));
        assertEquals(VALUES.readTree("""
                {phase: Running, attempts: 1,
                 conditions: [{type: Ready, status: "True", reason: JobCreated}],
                 epochs: [{epoch: 1, valAccuracy: 0.5}],
                 checkpoints: {claimName: ckpt}}"""), status);
    }

    @Test
    void belowAnObjectThatKeepsUnknownFieldsNothingIsMissing() {
        JSONSchemaProps status = served("status");
        status.setProperties(null);
        status.setXKubernetesPreserveUnknownFields(true);
        assertEquals(List.of(), SchemaGap.missing(built, served));
    }
}
