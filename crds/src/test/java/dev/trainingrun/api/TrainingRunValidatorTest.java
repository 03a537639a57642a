package dev.trainingrun.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How {@link TrainingRunValidator} reads a schema and a CEL rule, each kind on a small CRD of its own, so that nothing
 * here restates the TrainingRun CRD: TrainingRunValidatorClusterTest holds the validator to the API server on that
 * one, InvalidManifestsTest to the invalid corpus.
 */
class TrainingRunValidatorTest {
    /** A validator of a CRD whose spec has {@code schema}, given as YAML. */
    private static TrainingRunValidator validator(String schema) {
        return TrainingRunValidator.of(JsonTrees.parse("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: trainingruns.trainingrun.dev}
                spec:
                  versions:
                  - name: v1alpha1
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          status: {type: object, properties: {phase: {type: string}}}
                          spec:
                """ + schema.indent(14)));
    }

    private static JsonNode manifest(String spec) {
        return JsonTrees.parse("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata: {name: t}
                spec:
                """ + spec.indent(2));
    }

    private static List<String> problems(String schema, String spec) {
        return validator(schema).validateCreate(manifest(spec)).problems().stream()
                .map(FieldProblem::toString).toList();
    }

    private static final String NUMBERS = """
            type: object
            properties:
              count: {type: integer, minimum: 1, maximum: 10}
              rate: {type: number, minimum: 0, exclusiveMinimum: true, maximum: 2, exclusiveMaximum: true}
              step: {type: integer, multipleOf: 5}
            """;

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "count: 0|spec.count: Invalid value: 0: should be greater than or equal to 1",
        "count: 11|spec.count: Invalid value: 11: should be less than or equal to 10",
        "rate: 0|spec.rate: Invalid value: 0: should be greater than 0",
        "rate: 2.0|spec.rate: Invalid value: 2.0: should be less than 2",
        "step: 7|spec.step: Invalid value: 7: should be a multiple of 5",
        "count: many|spec.count: Invalid value: \"many\": must be of type integer",
        "count: 2.5|spec.count: Invalid value: 2.5: must be of type integer",
        "rate: '0.5'|spec.rate: Invalid value: \"0.5\": must be of type number",
    })
    void numbersOutOfBoundsOrOfAnotherTypeAreNamed(String spec, String problem) {
        assertEquals(problem, problems(NUMBERS, spec).get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"count: 1", "count: 10", "count: 3.0", "rate: 1", "rate: 0.5", "step: 10"})
    void valuesWithinTheBoundsPass(String spec) {
        assertEquals(List.of(), problems(NUMBERS, spec), "a whole number written 3.0 is an integer in JSON");
    }

    private static final String STRINGS = """
            type: object
            properties:
              name: {type: string, minLength: 1, maxLength: 3, pattern: '^\\S+$'}
              kind: {type: string, enum: [Small, Large]}
            """;

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "name: abcd|spec.name: Too long: may not be more than 3 characters",
        "name: ''|spec.name: Invalid value: \"\": should be at least 1 chars long",
        "name: a b|spec.name: Invalid value: \"a b\": should match '^\\S+$'",
        "kind: Medium|spec.kind: Unsupported value: \"Medium\": supported values: \"Small\", \"Large\"",
        "name: 5|spec.name: Invalid value: 5: must be of type string",
    })
    void stringsOutsideTheirRulesAreNamed(String spec, String problem) {
        assertEquals(List.of(problem), problems(STRINGS, spec));
    }

    @Test
    void lengthsCountCharactersAsTheApiServerDoes() {
        assertEquals(List.of(), problems(STRINGS, "name: üüü"), "three characters, six bytes in UTF-8");
    }

    @Test
    void patternsAreGoRegularExpressionsWhereDollarIsTheEndOfTheText() {
        // java.util.regex lets $ match before a final line break; the API server's RE2 does not.
        assertEquals(List.of("spec.name: Invalid value: \"ab\\n\": should match '^\\S+$'"),
                problems(STRINGS, "name: \"ab\\n\""));
    }

    @Test
    void onlyTheFirstFailingStringCheckIsReported() {
        assertEquals(List.of("spec.name: Too long: may not be more than 3 characters"),
                problems(STRINGS, "name: a b c d"));
    }

    private static final String OBJECTS = """
            type: object
            required: [volume]
            properties:
              volume:
                type: object
                required: [server]
                properties:
                  server: {type: string}
              labels:
                type: object
                maxProperties: 1
                additionalProperties: {type: string}
              sizes:
                type: array
                maxItems: 2
                items: {type: integer}
              anything:
                type: object
                x-kubernetes-preserve-unknown-fields: true
            """;

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{}|spec.volume: Required value",
        "volume: {}|spec.volume.server: Required value",
        "`{volume: {server: s}, labels: {a: x, b: y}}`|spec.labels: Too many: 2: must have at most 1 properties",
        "`{volume: {server: s}, labels: {a: 1}}`|spec.labels.a: Invalid value: 1: must be of type string",
        "`{volume: {server: s}, sizes: [1, 2, 3]}`|spec.sizes: Too many: 3: must have at most 2 items",
        "`{volume: {server: s}, sizes: [1, x]}`|spec.sizes[1]: Invalid value: \"x\": must be of type integer",
        "`{volume: {server: s}, sizes: x}`|spec.sizes: Invalid value: \"x\": must be of type array",
    })
    void objectsAndListsAreCheckedAtEveryDepth(String spec, String problem) {
        assertEquals(problem, problems(OBJECTS, spec).get(0));
    }

    @Test
    void unknownFieldsRefuseTheObjectBeforeAnyOtherCheck() {
        List<FieldProblem> problems = validator(OBJECTS).validateCreate(JsonTrees.parse("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata: {name: t}
                spec: {volume: {serve: s}, sizes: [{big: 1}]}
                status: {phaze: Done}
                """)).problems();
        assertEquals(List.of(
                        "spec.sizes[0].big: unknown field, the schema declares no fields here",
                        "spec.volume.serve: unknown field, the schema declares server",
                        "status.phaze: unknown field, the schema declares phase"),
                problems.stream().map(FieldProblem::toString).toList(), "not spec.volume.server: Required value");
    }

    /** ObjectMeta's rules on create; TrainingRunValidatorClusterTest holds them to the API server. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {}                                         | metadata.name: Required value: name or generateName is required
            {generateName: t-}                         |
            {name: Bad_Name}                           | metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain
            {name: t, labels: {team: "a b"}}           | metadata.labels: Invalid value: "a b": a valid label must be an empty string
            {name: t, labels: {"-team": a}}            | metadata.labels: Invalid value: "-team": name part must consist
            {name: t, labels: {"Example.com/x": a}}    | metadata.labels: Invalid value: "Example.com/x": prefix part a lowercase RFC 1123
            {name: t, labels: {team: 1}}               | metadata.labels: Invalid value: {"team":1}: expected a map of strings
            {name: t, labels: {team: ""}}              |
            {name: t, annotations: {"Team.Owner": x}}  |
            {name: t, annotations: {"a b": x}}         | metadata.annotations: Invalid value: "a b": name part must consist
            """)
    void metadataIsCheckedAsObjectMeta(String metadata, String problem) {
        List<String> problems = validator(OBJECTS).validateCreate(JsonTrees.parse("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                spec: {volume: {server: s}}
                metadata:\s""" + metadata)).problems().stream().map(FieldProblem::toString).toList();
        if (problem == null) {
            assertEquals(List.of(), problems);
        } else {
            assertTrue(problems.size() == 1 && problems.get(0).startsWith(problem), problems::toString);
        }
    }

    @Test
    void aFieldObjectMetaDoesNotHaveIsUnknown() {
        assertEquals(List.of("metadata.bogus"), validator(OBJECTS).validateCreate(JsonTrees.parse("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata: {name: t, bogus: 1}
                spec: {volume: {server: s}}
                """)).problems().stream().map(FieldProblem::field).toList());
    }

    @Test
    void fieldsBeneathPreserveUnknownFieldsAreKept() {
        assertEquals(List.of(), problems(OBJECTS, "{volume: {server: s}, anything: {any: {thing: 1}}}"));
    }

    @Test
    void statusIsDroppedAsOnCreate() {
        TrainingRunValidator.Verdict verdict = validator(OBJECTS).validateCreate(JsonTrees.parse("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata: {name: t}
                spec: {volume: {server: s}}
                status: {phase: 5}
                """));
        assertEquals(List.of(), verdict.problems());
        assertTrue(verdict.object().path("status").isMissingNode(), verdict.object()::toString);
    }

    private static final String DEFAULTS = """
            type: object
            properties:
              training:
                type: object
                default: {}
                properties:
                  epochs: {type: integer, default: 5}
                  schedule:
                    type: object
                    default: {kind: cosine}
                    properties:
                      kind: {type: string}
                      warmup: {type: integer, default: 1}
              image: {type: string}
              weights:
                type: array
                items: {type: number, default: 1.0}
            """;

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{}|{training: {epochs: 5, schedule: {kind: cosine, warmup: 1}}}",
        "training: null|{training: {epochs: 5, schedule: {kind: cosine, warmup: 1}}}",
        "`{training: {epochs: 8, schedule: {kind: step}}}`|{training: {epochs: 8, schedule: {kind: step, warmup: 1}}}",
        "`{training: {epochs: null}, image: null}`|{training: {epochs: 5, schedule: {kind: cosine, warmup: 1}}}",
        "`{weights: [0.5, null]}`|`{training: {epochs: 5, schedule: {kind: cosine, warmup: 1}}, weights: [0.5, 1.0]}`",
    })
    void defaultsFillWhatIsLeftOutOrNullAndTheirOwnFieldsInTurn(String spec, String defaulted) {
        JsonNode input = manifest(spec);
        TrainingRunValidator.Verdict verdict = validator(DEFAULTS).validateCreate(input);
        assertEquals(List.of(), verdict.problems());
        assertEquals(List.of(), JsonTrees.differences(JsonTrees.parse(defaulted), verdict.object().get("spec")));
        assertEquals(manifest(spec), input, "the caller's tree is left as it was");
    }

    private static final String LISTS = """
            type: object
            properties:
              tags: {type: array, x-kubernetes-list-type: set, items: {type: string}}
              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items: {type: object, properties: {name: {type: string}, port: {type: integer}}}
            """;

    @Test
    void setAndMapListsRefuseRepeatedItemsOnce() {
        assertEquals(List.of("spec.tags[2]: Duplicate value: \"a\"",
                        "spec.ports[1]: Duplicate value: {\"name\":\"http\"}"),
                problems(LISTS, "{tags: [a, b, a, a], ports: [{name: http, port: 80}, {name: http, port: 81}]}"));
    }

    private static final String RULES = """
            type: object
            x-kubernetes-validations:
            - rule: 'self.warmup <= self.epochs'
              message: 'warmup must not be greater than epochs'
              fieldPath: .warmup
            - {rule: 'self.epochs != 13'}
            - {rule: 'self.epochs != 7', messageExpression: "'epochs must not be ' + string(self.epochs)"}
            - {rule: 'self.epochs != 9', message: 'nine is forbidden', reason: FieldValueForbidden}
            - {rule: 'self.epochs == oldSelf.epochs', message: 'epochs is immutable'}
            properties:
              epochs: {type: integer, default: 5}
              warmup: {type: integer, default: 1}
              interval:
                type: string
                x-kubernetes-validations:
                - {rule: "duration(self) >= duration('30s')", message: 'must be at least 30s'}
              mode: {type: string, enum: [fast, slow]}
              paths:
                type: array
                items:
                  type: string
                  x-kubernetes-validations: [{rule: "!self.startsWith('/')", message: must be relative}]
              limits:
                type: object
                additionalProperties:
                  type: integer
                  x-kubernetes-validations: [{rule: 'self >= 0', message: must not be negative}]
            """;

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`{epochs: 3, warmup: 4}`|spec.warmup: Invalid value: warmup must not be greater than epochs",
        "epochs: 13|spec: Invalid value: failed rule: self.epochs != 13",
        "epochs: 7|spec: Invalid value: epochs must not be 7",
        "epochs: 9|spec: Forbidden: nine is forbidden",
        "interval: 10s|spec.interval: Invalid value: \"10s\": must be at least 30s",
        "interval: soon|spec.interval: Invalid value: \"soon\": invalid duration format evaluating rule: "
                + "must be at least 30s",
        "`{paths: [a, /b]}`|spec.paths[1]: Invalid value: \"/b\": must be relative",
        "`{limits: {gpu: -1}}`|spec.limits[gpu]: Invalid value: -1: must not be negative",
    })
    void aRuleThatFailsIsNamedWithItsMessageWhereItPoints(String spec, String problem) {
        assertEquals(List.of(problem), problems(RULES, spec));
    }

    @Test
    void transitionRulesWaitForAnUpdate() {
        assertEquals(List.of(), problems(RULES, "epochs: 5"), "self.epochs == oldSelf.epochs is not checked on create");
    }

    @Test
    void rulesAreNotRunOnAnObjectWithProblemsOfTypeOrEnum() {
        assertEquals(List.of("spec.mode: Unsupported value: \"medium\": supported values: \"fast\", \"slow\"",
                        TrainingRunValidator.RULES_NOT_CHECKED.message()),
                problems(RULES, "{mode: medium, epochs: 13}"));
        assertEquals(List.of("spec.epochs: Invalid value: \"x\": must be of type integer",
                        TrainingRunValidator.RULES_NOT_CHECKED.message()),
                problems(RULES, "epochs: x"));
    }

    /** Kubernetes' CEL environment, where it differs from plain CEL, on rules a CRD may hold (K8s 1.33 base environment). */
    @ParameterizedTest
    @ValueSource(strings = {
        "self.path.split('/').size() == 2",
        "self.path.lowerAscii() == 'a/b'",
        "self.count > 0.5",
        "self.count == 2.0",
        "self.ratio == 1.0 && type(self.ratio) == double",
        "duration(self.every) == duration('90m')",
        "[has(self.path), has(self.missing)].filter(x, x).size() == 1",
        "self.names.exists_one(n, n == 'a')",
        "self.names.all(i, n, i < 2 && n != '')",
        "sets.contains(self.names, ['a'])",
        "self.?missing.orValue('none') == 'none'",
        "self.path.matches('^[a-z]/[a-z]$')",
    })
    void kubernetesCelFunctionsAndConversionsWork(String rule) {
        String schema = """
                type: object
                x-kubernetes-validations: [{rule: "%s"}]
                properties:
                  path: {type: string}
                  count: {type: integer}
                  ratio: {type: number}
                  every: {type: string}
                  missing: {type: string}
                  names: {type: array, items: {type: string}}
                """.formatted(rule.replace("\"", "\\\""));
        assertEquals(List.of(), problems(schema, "{path: a/b, count: 2, ratio: 1, every: 1h30m, names: [b, a]}"));
    }

    @Test
    void propertiesThatAreNotCelIdentifiersAreReachedByTheirEscapedNames() {
        String schema = """
                type: object
                x-kubernetes-validations:
                - rule: "self.max__dash__size > 0 && self.__namespace__ == 'a' && self.a__dot__b__slash__c == 1"
                - rule: "self.labels['app.kubernetes.io/name'] == 'x'"
                properties:
                  max-size: {type: integer}
                  namespace: {type: string}
                  a.b/c: {type: integer}
                  labels: {type: object, additionalProperties: {type: string}}
                """;
        assertEquals(List.of(), problems(schema,
                "{max-size: 1, namespace: a, a.b/c: 1, labels: {app.kubernetes.io/name: x}}"));
        assertEquals(List.of("spec: Invalid value: failed rule: self.max__dash__size > 0 && self.__namespace__ == 'a' "
                + "&& self.a__dot__b__slash__c == 1"), problems(schema,
                "{max-size: 0, namespace: a, a.b/c: 1, labels: {app.kubernetes.io/name: x}}"));
    }

    @Test
    void optionalOldSelfSeesAnEmptyValueOnCreate() {
        String schema = """
                type: object
                x-kubernetes-validations:
                - {rule: '!oldSelf.hasValue() || self.size == oldSelf.value().size', optionalOldSelf: true}
                - {rule: 'oldSelf.hasValue() || self.size < 10', message: starts small, optionalOldSelf: true}
                properties:
                  size: {type: integer}
                """;
        assertEquals(List.of("spec: Invalid value: starts small"), problems(schema, "size: 12"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`{type: object, properties: {name: {type: string, x-kubernetes-validations: "
                + "[{rule: \"self.reverse() == self\"}]}}}`|does not compile",
        "`{type: object, properties: {name: {type: string}}, x-kubernetes-validations: "
                + "[{rule: \"quantity(self.name).isGreaterThan(quantity('1'))\"}]}`|does not compile",
        "`{type: object, properties: {names: {type: array, items: {type: string}}}, x-kubernetes-validations: "
                + "[{rule: \"self.names.sort() == self.names\"}]}`|does not compile",
        "`{type: object, properties: {name: {type: string, x-kubernetes-validations: "
                + "[{rule: \"'%s'.format([self]) == self\"}]}}}`|does not compile",
        "`{type: object, properties: {name: {type: string, format: date-time}}}`|spec.name: the schema uses format",
        "`{type: object, properties: {name: {type: string, oneOf: [{minLength: 1}]}}}`"
                + "|spec.name: the schema uses oneOf",
        "`{type: object, properties: {names: {type: array, uniqueItems: true, items: {type: string}}}}`"
                + "|spec.names: the schema uses uniqueItems",
    })
    void whatTheValidatorCannotCheckRefusesTheCrdRatherThanPassingSilently(String schema, String message) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> validator(schema));
        assertTrue(refused.getMessage().contains(message), refused::getMessage);
    }

    @Test
    void aRunBuiltInJavaIsCheckedToo() {
        TrainingRun run = TrainingRunYaml.read("""
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata: {name: t}
                spec: {data: {volume: {persistentVolumeClaim: {claimName: images}}}}
                """, "t");
        assertEquals(List.of(), TrainingRunValidator.bundled().validateCreate(run));
        run.getSpec().getTraining().setEpochs(0);
        assertEquals(List.of("spec.training.epochs"), TrainingRunValidator.bundled().validateCreate(run).stream()
                .map(FieldProblem::field).distinct().limit(1).toList());
    }
}
