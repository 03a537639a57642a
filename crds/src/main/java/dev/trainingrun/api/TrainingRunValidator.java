package dev.trainingrun.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingrun.api.FieldProblem.Type;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.StreamSupport;

/**
 * Checks a TrainingRun as the API server checks it on create, against the CRD's own schema: the one validator of the
 * API's rules, for every caller outside the API server (the trainer, which may be handed a manifest no API server has
 * seen; the operator, for runs made under an older CRD). Nothing in it restates a bound, an enum or a rule: they are
 * read from the CRD, the file the API server gets.
 *
 * <p>In the API server's order (apiextensions-apiserver): fields the schema does not declare refuse the object
 * outright, as strict field validation does; then nulls without a default are removed and defaults applied; then the
 * OpenAPI checks run (types, required fields, enums, bounds, lengths, patterns, counts), and the CEL rules of
 * {@code x-kubernetes-validations} after them, unless a problem of type, requirement, enum, length or count would
 * feed them values they cannot read. Transition rules (those using {@code oldSelf}) wait for an update. {@code status}
 * is dropped, as the API server resets it on create; {@code metadata} is checked as ObjectMeta, not by the schema
 * ({@link ObjectMetaChecks}).
 * Not done: the API server's cost budget for rules, which it already enforced when it accepted the CRD.
 */
public final class TrainingRunValidator {
    /**
     * The API server's problem when it skipped the rules (apiextensions-apiserver {@code hasBlockingErr}); a CRD
     * without rules has none to skip.
     */
    static final FieldProblem RULES_NOT_CHECKED = new FieldProblem("", Type.INVALID, "some validation rules were not "
            + "checked because the object was invalid; correct the existing errors to complete validation");

    private final StructuralSchema schema;
    private final CelRules rules;

    /** The object as the API server would store it, defaults applied, and every problem that would refuse it. */
    public record Verdict(JsonNode object, List<FieldProblem> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private TrainingRunValidator(JsonNode openApiSchema) {
        this.schema = new StructuralSchema(openApiSchema, "");
        this.rules = new CelRules(schema);
    }

    /** The validator of the CRD this jar carries ({@link TrainingRun#CRD_RESOURCE}), built on first use. */
    public static TrainingRunValidator bundled() {
        return Bundled.VALIDATOR;
    }

    /**
     * A validator of version {@link TrainingRun#VERSION} of the CRD given as a JSON tree.
     *
     * @throws IllegalArgumentException when the CRD has no such version, or its schema uses a keyword or a CEL
     *         function this validator cannot check
     */
    static TrainingRunValidator of(JsonNode crd) {
        return new TrainingRunValidator(StreamSupport.stream(crd.path("spec").path("versions").spliterator(), false)
                .filter(version -> TrainingRun.VERSION.equals(version.path("name").asText()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(crd.path("metadata").path("name").asText()
                        + " has no version " + TrainingRun.VERSION))
                .path("schema").path("openAPIV3Schema"));
    }

    /**
     * Checks a TrainingRun as it would be sent to the API server to create it (a manifest parsed as JSON or YAML),
     * which is left unchanged.
     */
    public Verdict validateCreate(JsonNode manifest) {
        if (manifest == null || !manifest.isObject()) {
            return new Verdict(manifest, List.of(new FieldProblem("", Type.TYPE_INVALID,
                    "expected a TrainingRun object, found " + manifest)));
        }
        ObjectNode object = manifest.deepCopy();
        JsonNode metadata = object.path("metadata");
        List<FieldProblem> unknown = new ArrayList<>(UnknownFields.of(object, schema));
        if (metadata.isObject()) {
            unknown.addAll(ObjectMetaChecks.undecodable(metadata));
            unknown.sort((a, b) -> a.field().compareTo(b.field()));
        }
        if (!unknown.isEmpty()) {
            return new Verdict(object, List.copyOf(unknown));
        }
        // As PrepareForCreate does for a resource with a status subresource; unknown fields in it were refused first.
        object.remove("status");
        SchemaDefaults.apply(object, schema);
        List<FieldProblem> problems = new ArrayList<>(ObjectMetaChecks.of(metadata));
        problems.addAll(SchemaChecks.of(object, schema, ""));
        if (problems.stream().anyMatch(problem -> problem.type().blocksRules())) {
            if (!rules.isEmpty()) {
                problems.add(RULES_NOT_CHECKED);
            }
        } else {
            problems.addAll(rules.check(object, schema, ""));
        }
        return new Verdict(object, List.copyOf(problems));
    }

    /** Checks a TrainingRun built in Java as the API server would check it on create. */
    public List<FieldProblem> validateCreate(TrainingRun run) {
        return validateCreate(TrainingRunYaml.tree(run)).problems();
    }

    /** Loads the bundled CRD once, on first use, and lets class initialisation make that thread-safe. */
    private static final class Bundled {
        static final TrainingRunValidator VALIDATOR = load();

        private static TrainingRunValidator load() {
            try (InputStream crd = TrainingRun.class.getResourceAsStream(TrainingRun.CRD_RESOURCE)) {
                return of(TrainingRunYaml.parse(Objects.requireNonNull(crd, TrainingRun.CRD_RESOURCE)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + TrainingRun.CRD_RESOURCE, e);
            }
        }
    }
}
