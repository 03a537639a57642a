package dev.trainingrun.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The committed CRD carries the documentation and validation that users rely on at {@code kubectl apply}. */
class CrdSchemaTest {
    /** Kubernetes' own types, embedded as they are; their fields are documented by Kubernetes, not by us. */
    private static final Set<String> KUBERNETES_TYPES = Set.of(
            "spec.data.volume.persistentVolumeClaim", "spec.data.volume.nfs", "spec.data.volume.csi",
            "spec.data.volume.hostPath", "spec.resources.tolerations", "status.conditions");

    private static JsonNode crd;
    private static JsonNode schema;

    @BeforeAll
    static void load() throws IOException {
        crd = JsonTrees.parse(Files.readString(CrdDriftTest.COMMITTED_CRD));
        schema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
    }

    private static JsonNode property(String dottedPath) {
        JsonNode node = schema;
        for (String name : dottedPath.split("\\.")) {
            node = node.path("properties").path(name);
        }
        assertTrue(node.isObject(), () -> "no property " + dottedPath + " in the CRD");
        return node;
    }

    private static List<String> rules(JsonNode node) {
        return StreamSupport.stream(node.path("x-kubernetes-validations").spliterator(), false)
                .map(rule -> rule.get("rule").asText())
                .toList();
    }

    @Test
    void resourceIsNamespacedWithShortNameAndStatusSubresource() {
        assertEquals("Namespaced", crd.at("/spec/scope").asText());
        assertEquals("tr", crd.at("/spec/names/shortNames/0").asText());
        assertEquals("v1alpha1", crd.at("/spec/versions/0/name").asText());
        assertTrue(crd.at("/spec/versions/0/subresources/status").isObject());
    }

    @Test
    void printerColumnsAreInTheOrderKubectlShowsThem() {
        List<String> names = StreamSupport.stream(crd.at("/spec/versions/0/additionalPrinterColumns").spliterator(), false)
                .map(column -> column.get("name").asText())
                .toList();
        assertEquals(List.of("Phase", "Queued", "Epoch", "Val-Acc", "Best", "Age"), names);
    }

    @Test
    void everyFieldOfOursHasADescription() {
        List<String> undocumented = new ArrayList<>();
        collectUndocumented(schema, "", undocumented);
        assertEquals(List.of(), undocumented);
    }

    private static void collectUndocumented(JsonNode node, String path, List<String> out) {
        if (!path.isEmpty() && !node.hasNonNull("description")) {
            out.add(path);
        }
        if (KUBERNETES_TYPES.contains(path)) {
            return;
        }
        node.path("properties").fields().forEachRemaining(field ->
                collectUndocumented(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey(), out));
        JsonNode items = node.path("items");
        if (items.has("properties")) {
            items.path("properties").fields().forEachRemaining(field ->
                    collectUndocumented(field.getValue(), path + "[]." + field.getKey(), out));
        }
    }

    @Test
    void schemaDefaultsAreTheJavaDefaults() {
        // The trainer reads manifests without an API server, so the Java initialisers must agree with the schema.
        TrainingRunSpec spec = new TrainingRunSpec();
        spec.setData(new DataSpec()); // required, so it has no default of its own, but its fields do
        JsonNode javaDefaults = JsonTrees.toTree(spec);
        List<String> mismatches = new ArrayList<>();
        compareDefaults(property("spec"), javaDefaults, "spec", mismatches);
        // An optional object without a default of its own: its fields' defaults apply once it is given.
        compareDefaults(property("spec.model.from"), JsonTrees.toTree(new RunSource()), "spec.model.from", mismatches);
        assertEquals(List.of(), mismatches);
    }

    private static void compareDefaults(JsonNode node, JsonNode javaValue, String path, List<String> out) {
        if (node.has("default")) {
            out.addAll(JsonTrees.differences(node.get("default"), javaValue).stream()
                    .map(difference -> path + difference)
                    .toList());
        }
        if (javaValue.isMissingNode()) {
            return;
        }
        node.path("properties").fields().forEachRemaining(field -> compareDefaults(
                field.getValue(), javaValue.path(field.getKey()), path + "." + field.getKey(), out));
    }

    @Test
    void theSeedsDefaultsAreInTheSchema() {
        assertEquals("ResNet18", property("spec.model.architecture").get("default").asText());
        assertEquals(2, property("spec.model.numClasses").get("default").asInt());
        assertEquals(256, property("spec.data.imageSize").get("default").asInt());
        assertEquals(5, property("spec.training.epochs").get("default").asInt());
        assertEquals(4, property("spec.training.batchSize").get("default").asInt());
        assertEquals(4, property("spec.training.validationBatchSize").get("default").asInt());
        assertEquals(0.001, property("spec.training.learningRate").get("default").asDouble());
        assertEquals(1, property("spec.training.warmupEpochs").get("default").asInt());
        assertEquals(1, property("spec.checkpoints.saveAfterEpoch").get("default").asInt());
        assertEquals("[0.5,0.5,0.5]", property("spec.data.normalize.mean").get("default").toString());
    }

    @Test
    void enumsListEveryChoice() {
        assertEquals("[\"ResNet18\",\"ResNet18RandomEncoder\",\"ResNet34\",\"ResNet50\"]",
                property("spec.model.architecture").get("enum").toString());
        assertEquals("[\"Delete\",\"Retain\"]", property("spec.checkpoints.reclaimPolicy").get("enum").toString());
        assertEquals("[\"Failed\",\"Pending\",\"Running\",\"Succeeded\",\"Suspended\"]",
                property("status.phase").get("enum").toString());
    }

    @Test
    void numbersHaveBounds() {
        assertEquals(2, property("spec.model.numClasses").get("minimum").asInt());
        assertEquals(1, property("spec.training.epochs").get("minimum").asInt());
        assertEquals(1, property("spec.training.batchSize").get("minimum").asInt());
        assertEquals(1, property("spec.training.validationBatchSize").get("minimum").asInt());
        assertEquals(0, property("spec.training.learningRate").get("minimum").asInt());
        assertTrue(property("spec.training.learningRate").get("exclusiveMinimum").asBoolean());
        assertEquals(0, property("spec.resources.gpus").get("minimum").asInt());
        assertEquals(32, property("spec.data.imageSize").get("minimum").asInt());
        assertEquals(1, property("spec.runPolicy.activeDeadlineSeconds").get("minimum").asInt());
    }

    /**
     * Spec strings whose empty value means something of its own, and which therefore accept it; every other string
     * of the spec refuses "" at admission (a minimum length, a pattern or an enum).
     */
    private static final Map<String, String> EMPTY_MEANS_SOMETHING = Map.of(
            "spec.checkpoints.storageClassName", "no class: bind to an existing PersistentVolume without one",
            "spec.data.volume.csi.fsType", "the CSI driver's default file system",
            "spec.data.volume.csi.nodePublishSecretRef.name", "Kubernetes' own reference type, empty allowed",
            "spec.data.volume.csi.volumeAttributes{}", "driver-specific values",
            "spec.data.volume.hostPath.type", "no check of what is at the path",
            "spec.resources.nodeSelector{}", "a label whose value is empty",
            "spec.resources.tolerations[].key", "with operator Exists: every taint",
            "spec.resources.tolerations[].operator", "Equal",
            "spec.resources.tolerations[].value", "a taint without value (or any, with Exists)",
            "spec.resources.tolerations[].effect", "every effect");

    @Test
    void everySpecStringRefusesTheEmptyValueUnlessItMeansSomething() {
        Map<String, JsonNode> acceptingEmpty = new TreeMap<>();
        collectStringsAcceptingEmpty(property("spec"), "spec", acceptingEmpty);
        assertEquals(new TreeSet<>(EMPTY_MEANS_SOMETHING.keySet()), acceptingEmpty.keySet());
    }

    private static void collectStringsAcceptingEmpty(JsonNode node, String path, Map<String, JsonNode> out) {
        boolean text = "string".equals(node.path("type").asText())
                || node.path("x-kubernetes-int-or-string").asBoolean();
        if (text && node.path("minLength").asInt(0) < 1 && !node.has("enum")
                && (!node.has("pattern") || Pattern.compile(node.get("pattern").asText()).matcher("").find())) {
            out.put(path, node);
        }
        node.path("properties").fields().forEachRemaining(field ->
                collectStringsAcceptingEmpty(field.getValue(), path + "." + field.getKey(), out));
        if (node.has("items")) {
            collectStringsAcceptingEmpty(node.get("items"), path + "[]", out);
        }
        if (node.path("additionalProperties").isObject()) {
            collectStringsAcceptingEmpty(node.get("additionalProperties"), path + "{}", out);
        }
    }

    @Test
    void quantitiesFollowKubernetesGrammar() {
        Pattern quantity = Pattern.compile(property("spec.resources.memory").get("pattern").asText());
        for (String good : List.of("16Gi", "500m", "4", "1.5", "1e3", "0.5Ti", ".5")) {
            assertTrue(quantity.matcher(good).find(), good);
        }
        for (String bad : List.of("", "16 GB", "-1Gi", "two", "16gi", "1.5.2")) {
            assertFalse(quantity.matcher(bad).find(), bad);
        }
        JsonNode pattern = property("spec.resources.memory").get("pattern");
        assertEquals(pattern, property("spec.checkpoints.size").get("pattern"));
        assertEquals(pattern, property("spec.resources.cpu").get("pattern"));
    }

    @Test
    void dataAndItsVolumeAreRequired() {
        assertEquals("[\"data\"]", property("spec").get("required").toString());
        assertEquals("[\"volume\"]", property("spec.data").get("required").toString());
    }

    @Test
    void celRulesCoverWhatSpansFields() {
        assertEquals(List.of("self.warmupEpochs <= self.epochs"), rules(property("spec.training")));
        assertTrue(rules(property("spec.data.normalize")).contains("size(self.mean) == 3 && size(self.std) == 3"));
        assertTrue(rules(property("spec.data.volume")).stream()
                .anyMatch(rule -> rule.endsWith(".filter(x, x).size() == 1")));
        assertEquals(1, rules(property("spec.checkpoints")).size());
        assertTrue(rules(property("spec.data.volume")).contains("!has(self.nfs) || self.nfs.path.startsWith('/')"));
    }

    @Test
    void trainingSettingsAreImmutableWhileRunPolicyStaysEditable() {
        List<String> specRules = rules(property("spec"));
        for (String field : List.of("model", "data", "training", "checkpoints", "resources")) {
            assertTrue(specRules.contains("self." + field + " == oldSelf." + field), () -> field + " is mutable");
        }
        assertTrue(specRules.stream().anyMatch(rule -> rule.contains("self.image == oldSelf.image")));
        assertTrue(specRules.stream().noneMatch(rule -> rule.contains("runPolicy")), specRules::toString);
    }

    @Test
    void statusListsAreMapListsSoServerSideApplyMergesThem() {
        JsonNode epochs = property("status.epochs");
        assertEquals("map", epochs.get("x-kubernetes-list-type").asText());
        assertEquals("[\"epoch\"]", epochs.get("x-kubernetes-list-map-keys").toString());
        assertEquals("[\"epoch\"]", epochs.at("/items/required").toString());
        JsonNode conditions = property("status.conditions");
        assertEquals("map", conditions.get("x-kubernetes-list-type").asText());
        assertEquals("[\"type\"]", conditions.get("x-kubernetes-list-map-keys").toString());
    }
}
