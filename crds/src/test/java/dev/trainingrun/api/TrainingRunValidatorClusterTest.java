package dev.trainingrun.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.Crds;
import dev.trainingrun.testing.ManifestCorpus;
import dev.trainingrun.testing.OnLocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TrainingRunValidator} against its reference, the API server, on the same manifests: each is created with
 * {@code dryRun=All} and strict field validation, as {@code kubectl apply} sends it (a whole number written 2.0 in
 * YAML arrives as 2), and given to the validator as parsed.
 * Both must accept or refuse it; a refusal must name the same fields, and an acceptance must store the same spec,
 * defaults included. The manifests are the examples, the invalid corpus, a few whole-object cases, and about a
 * thousand generated from the CRD itself: every field of the spec set to values at and across its bounds, of the
 * wrong type, null, and strings that tell regex dialects and length counts apart.
 */
@OnLocalCluster
class TrainingRunValidatorClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern UNKNOWN_FIELD = Pattern.compile("unknown field \"([^\"]+)\"");
    /** How the API server names a metadata value it cannot decode: by ObjectMeta's Go field. */
    private static final Pattern UNDECODABLE_METADATA = Pattern.compile("Go struct field ObjectMeta\\.(\\w+)");
    private static final String BASE = """
            apiVersion: trainingrun.dev/v1alpha1
            kind: TrainingRun
            metadata: {name: generated}
            spec: {data: {volume: {persistentVolumeClaim: {claimName: images}}}}
            """;
    /** For every string field: empty, blank, paths, durations, and a trailing line break (Go's $ and Java's differ). */
    private static final List<String> STRINGS = List.of("", " ", "a", "A b", "x\n", "../up", "a/../b", "a/..",
            "/abs", "train/", "0s", "29s", "30s", "1h30m", "1.5h", "0", "10Gi", "nvidia.com/gpu", "ü");

    private static KubernetesClient client;
    private static String namespace;

    @BeforeAll
    static void installCrd(Cluster cluster, KubernetesClient testClient) {
        client = testClient;
        namespace = cluster.namespace();
        Crds.install(client, CrdDriftTest.COMMITTED_CRD);
    }

    /** One input, named for failure messages. */
    record Case(String name, JsonNode manifest) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** What one side made of a case: accepted with this spec, or refused naming these fields. */
    private record Outcome(boolean accepted, JsonNode spec, Set<String> fields, String text) {}

    static Stream<Case> examplesAndCorpus() throws IOException {
        List<Case> cases = new ArrayList<>();
        for (Path example : ManifestCorpus.examples()) {
            cases.add(new Case(example.getFileName().toString(), JsonTrees.parse(Files.readString(example))));
        }
        ManifestCorpus.refusedOnCreate().forEach(refused ->
                cases.add(new Case(refused.toString(), JsonTrees.parse(refused.manifest()))));
        return cases.stream();
    }

    static Stream<Case> wholeObjects() {
        return Stream.of(
                new Case("no spec", JsonTrees.parse("{apiVersion: trainingrun.dev/v1alpha1, kind: TrainingRun, "
                        + "metadata: {name: bare}}")),
                new Case("spec null", set(List.of("spec"), NODES.nullNode())),
                new Case("spec empty", set(List.of("spec"), NODES.objectNode())),
                new Case("unknown top-level field", set(List.of("specs"), NODES.objectNode())),
                new Case("status with an unknown field", set(List.of("status", "progres"), NODES.numberNode(1))),
                new Case("status with a wrong value", set(List.of("status", "phase"), NODES.textNode("Bogus"))));
    }

    /** ObjectMeta's rules: names, labels, annotations, fields it does not have. */
    static Stream<Case> metadata() {
        String spec = "spec: {data: {volume: {persistentVolumeClaim: {claimName: images}}}}";
        return Stream.of("{}", "{generateName: run-}", "{name: Bad_Name}", "{name: " + "a".repeat(254) + "}",
                "{name: a.b-c}", "{name: t, bogus: 1}", "{name: t, labels: {team: \"a b\"}}",
                "{name: t, labels: {team: \"" + "v".repeat(64) + "\"}}", "{name: t, labels: {\"-team\": a}}",
                "{name: t, labels: {\"Example.com/x\": a}}", "{name: t, labels: {\"example.com/" + "x".repeat(64)
                        + "\": a}}", "{name: t, labels: {\"/x\": a}}", "{name: t, labels: {team: 1}}",
                "{name: t, labels: {team: \"\", Team_2: A.b}}", "{name: 5}", "{name: t, annotations: [a]}", "{name: t, annotations: {\"Team.Owner\": x}}",
                "{name: t, annotations: {\"a b\": x}}",
                "{name: t, annotations: {big: \"" + "x".repeat(256 * 1024) + "\"}}")
                .map(metadata -> new Case("metadata " + (metadata.length() > 80 ? metadata.substring(0, 80) + "..."
                        : metadata), JsonTrees.parse("{apiVersion: trainingrun.dev/v1alpha1, kind: TrainingRun, "
                        + "metadata: " + metadata + ", " + spec + "}")));
    }

    @ParameterizedTest
    @MethodSource({"examplesAndCorpus", "wholeObjects", "metadata"})
    void agreesWithTheApiServer(Case input) {
        Outcome server = apiServer(input.manifest());
        Outcome validator = validator(input.manifest());
        assertEquals(List.of(), disagreements(server, validator), () -> input + "\n  API server: " + server.text()
                + "\n  validator: " + validator.text());
    }

    /** Run in one test rather than one each, so that the report lists every disagreement at once. */
    @Test
    void agreesWithTheApiServerOnEveryFieldOfTheSpecAtAndAcrossItsBounds() {
        List<Case> cases = generated();
        List<String> disagreements = new ArrayList<>();
        for (Case input : cases) {
            Outcome server = apiServer(input.manifest());
            Outcome validator = validator(input.manifest());
            List<String> differences = disagreements(server, validator);
            if (!differences.isEmpty()) {
                disagreements.add(input + ": " + differences + "\n    API server: " + server.text()
                        + "\n    validator: " + validator.text());
            }
        }
        assertTrue(cases.size() > 500, () -> "only " + cases.size() + " cases");
        assertEquals(List.of(), disagreements, () -> disagreements.size() + " of " + cases.size() + " cases differ:\n"
                + String.join("\n", disagreements));
    }

    private static List<String> disagreements(Outcome server, Outcome validator) {
        if (server.accepted() != validator.accepted()) {
            return List.of((server.accepted() ? "accepted" : "refused") + " by the API server, "
                    + (validator.accepted() ? "accepted" : "refused") + " by the validator");
        }
        if (server.accepted()) {
            return JsonTrees.differences(server.spec(), validator.spec());
        }
        return server.fields().equals(validator.fields()) ? List.of()
                : List.of("fields " + server.fields() + " against " + validator.fields());
    }

    private static Outcome validator(JsonNode manifest) {
        TrainingRunValidator.Verdict verdict = TrainingRunValidator.bundled().validateCreate(manifest);
        return new Outcome(verdict.valid(), verdict.object().path("spec"),
                verdict.problems().stream().map(FieldProblem::field).collect(Collectors.toCollection(TreeSet::new)),
                verdict.valid() ? String.valueOf(verdict.object().path("spec")) : verdict.problems().toString());
    }

    /** A dry-run create of the manifest as kubectl sends it: nothing is stored, everything is checked. */
    private static Outcome apiServer(JsonNode manifest) {
        HttpClient http = client.getHttpClient();
        String url = client.getMasterUrl() + "apis/" + TrainingRun.GROUP + "/" + TrainingRun.VERSION + "/namespaces/"
                + namespace + "/trainingruns?dryRun=All&fieldValidation=Strict";
        HttpResponse<String> response;
        JsonNode body;
        try {
            response = http.sendAsync(http.newHttpRequestBuilder().uri(url)
                    .post("application/json", JSON.writeValueAsString(asKubectlSendsIt(manifest))).build(),
                            String.class)
                    .get(30, TimeUnit.SECONDS);
            body = JSON.readTree(response.body());
        } catch (Exception e) {
            throw new IllegalStateException("dry-run create at " + url + " failed", e);
        }
        if (response.code() == 201 || response.code() == 200) {
            return new Outcome(true, body.path("spec"), Set.of(), String.valueOf(body.path("spec")));
        }
        Set<String> fields = new TreeSet<>();
        if (response.code() == 400) {
            // Strict field validation refuses before validating: "strict decoding error: unknown field \"spec.x\", ..."
            Matcher unknown = UNKNOWN_FIELD.matcher(body.path("message").asText());
            while (unknown.find()) {
                fields.add(unknown.group(1));
            }
            Matcher undecodable = UNDECODABLE_METADATA.matcher(body.path("message").asText());
            while (undecodable.find()) {
                fields.add("metadata." + undecodable.group(1));
            }
        } else if (response.code() == 422) {
            body.path("details").path("causes").forEach(cause ->
                    fields.add(cause.path("field").asText().equals("<nil>") ? "" : cause.path("field").asText()));
        } else {
            throw new IllegalStateException("unexpected answer " + response.code() + ": " + response.body());
        }
        return new Outcome(false, null, fields, body.path("message").asText());
    }

    /**
     * The JSON kubectl makes of a parsed YAML manifest: Go's encoder writes a whole float64 as an integer, so YAML's
     * {@code 2.0} arrives as {@code 2}.
     */
    private static JsonNode asKubectlSendsIt(JsonNode value) {
        if (value.isFloatingPointNumber() && value.doubleValue() == Math.rint(value.doubleValue())
                && Math.abs(value.doubleValue()) < 1e15) {
            return NODES.numberNode(value.longValue());
        }
        JsonNode copy = value.deepCopy();
        if (copy instanceof ObjectNode object) {
            value.properties().forEach(field -> object.set(field.getKey(), asKubectlSendsIt(field.getValue())));
        } else if (copy instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, asKubectlSendsIt(value.get(i)));
            }
        }
        return copy;
    }

    /** Every field of the spec, each set alone to each value that {@link #values} gives for its schema. */
    private static List<Case> generated() {
        JsonNode crd = JsonTrees.parse(readCommittedCrd());
        List<Case> cases = new ArrayList<>();
        generate(crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec"), List.of("spec"), cases);
        return cases;
    }

    private static void generate(JsonNode schema, List<String> path, List<Case> cases) {
        for (JsonNode value : values(schema)) {
            cases.add(new Case(String.join(".", path) + " = " + value, set(path, value)));
        }
        schema.path("properties").properties().forEach(property ->
                generate(property.getValue(), append(path, property.getKey()), cases));
        if (schema.path("items").isObject()) {
            generate(schema.get("items"), append(path, "[]"), cases);
        }
        if (schema.path("additionalProperties").isObject()) {
            generate(schema.get("additionalProperties"), append(path, "{}"), cases);
        }
    }

    /** Values at and across the schema's bounds, of other types, and null. */
    private static List<JsonNode> values(JsonNode schema) {
        List<JsonNode> values = new ArrayList<>(List.of(NODES.nullNode()));
        if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
            Stream.of("10Gi", "500m", "1.5e9", "", "two", "-1").map(NODES::textNode).forEach(values::add);
            values.addAll(List.of(NODES.numberNode(2), NODES.numberNode(-1), NODES.numberNode(1.5),
                    NODES.numberNode(1.5e9), NODES.booleanNode(true)));
            return values;
        }
        switch (schema.path("type").asText()) {
            case "integer", "number" -> {
                boolean integer = schema.path("type").asText().equals("integer");
                for (String bound : List.of("minimum", "maximum")) {
                    if (schema.has(bound)) {
                        double at = schema.get(bound).doubleValue();
                        double step = integer ? 1 : 0.5;
                        for (double value : List.of(at - step, at, at + step, at + (integer ? 0.5 : 1e-9))) {
                            values.add(integer && value == Math.rint(value) ? NODES.numberNode((long) value)
                                    : NODES.numberNode(value));
                        }
                    }
                }
                values.addAll(List.of(NODES.numberNode(0), NODES.numberNode(2.0), NODES.numberNode(2.5),
                        NODES.textNode("7"), NODES.booleanNode(true)));
            }
            case "string" -> {
                STRINGS.stream().map(NODES::textNode).forEach(values::add);
                schema.path("enum").forEach(allowed -> values.add(allowed));
                values.add(NODES.textNode("Other"));
                if (schema.has("maxLength")) {
                    int max = schema.get("maxLength").intValue();
                    values.add(NODES.textNode("a".repeat(max + 1)));
                    values.add(NODES.textNode("ü".repeat(max)));
                }
                values.addAll(List.of(NODES.numberNode(5), NODES.booleanNode(true), NODES.arrayNode()));
            }
            case "boolean" -> values.addAll(List.of(NODES.booleanNode(false), NODES.textNode("true"),
                    NODES.numberNode(1)));
            case "array" -> {
                JsonNode item = sample(schema.path("items"));
                ArrayNode many = NODES.arrayNode();
                for (int i = 0; i <= schema.path("maxItems").asInt(3); i++) {
                    many.add(item.deepCopy());
                }
                values.addAll(List.of(NODES.arrayNode(), many, NODES.textNode("x"), NODES.objectNode()));
            }
            case "object" -> values.addAll(List.of(NODES.objectNode(), NODES.textNode("x"), NODES.arrayNode(),
                    NODES.objectNode().put("unknownField", 1)));
            default -> throw new IllegalArgumentException("no values for " + schema);
        }
        return values;
    }

    /** A plain value of the schema's type, to fill a list with. */
    private static JsonNode sample(JsonNode schema) {
        return switch (schema.path("type").asText()) {
            case "number" -> NODES.numberNode(0.5);
            case "integer" -> NODES.numberNode(1);
            case "string" -> NODES.textNode("a");
            default -> NODES.objectNode();
        };
    }

    /**
     * The base run with one value set at {@code path}, whose steps are field names, {@code []} for a list of one item
     * and {@code {}} for a map with one key; objects on the way merge with the base's.
     */
    private static JsonNode set(List<String> path, JsonNode value) {
        JsonNode patch = value;
        for (int i = path.size() - 1; i >= 0; i--) {
            patch = switch (path.get(i)) {
                case "[]" -> NODES.arrayNode().add(patch);
                case "{}" -> NODES.objectNode().set("example.com/key", patch);
                default -> NODES.objectNode().set(path.get(i), patch);
            };
        }
        ObjectNode manifest = (ObjectNode) JsonTrees.parse(BASE);
        merge(manifest, (ObjectNode) patch);
        return manifest;
    }

    private static void merge(ObjectNode target, ObjectNode patch) {
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            if (target.get(field.getKey()) instanceof ObjectNode object
                    && field.getValue() instanceof ObjectNode more) {
                merge(object, more);
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    private static List<String> append(List<String> path, String step) {
        List<String> longer = new ArrayList<>(path);
        longer.add(step);
        return longer;
    }

    private static String readCommittedCrd() {
        try {
            return Files.readString(CrdDriftTest.COMMITTED_CRD);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
