package dev.trainingrun.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One node of a CRD's OpenAPI v3 schema, read once into the shape the checks walk: its type, children, default, value
 * constraints and CEL rules. Read from the CRD as JSON rather than fabric8's model, which takes seconds to load.
 *
 * <p>It takes the keywords of a structural schema that {@link TrainingRunValidator} checks, and those that change
 * nothing on create (descriptions, {@code x-kubernetes-map-type}). Any other ({@code format}, {@code oneOf},
 * {@code uniqueItems} ...) makes construction fail with the node's path, so that the CRD cannot gain a constraint the
 * validator would silently skip.
 */
final class StructuralSchema {
    private static final Set<String> CHECKED = Set.of("type", "properties", "additionalProperties", "items",
            "required", "enum", "default", "nullable", "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum",
            "multipleOf", "minLength", "maxLength", "pattern", "minItems", "maxItems", "minProperties",
            "maxProperties", "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields",
            "x-kubernetes-validations", "x-kubernetes-list-type", "x-kubernetes-list-map-keys");
    private static final Set<String> NO_EFFECT_ON_CREATE = Set.of("description", "title", "example", "externalDocs",
            "x-kubernetes-map-type");

    /** One entry of {@code x-kubernetes-validations}; absent texts are null. */
    record Rule(String rule, String message, String messageExpression, String fieldPath, String reason,
            boolean optionalOldSelf) {}

    final String path;
    /** {@code object}, {@code array}, {@code string}, {@code integer}, {@code number}, {@code boolean}, or null. */
    final String type;
    final boolean intOrString;
    final boolean nullable;
    final boolean preserveUnknownFields;
    /** In the schema's order. */
    final Map<String, StructuralSchema> properties;
    final StructuralSchema additionalProperties;
    final StructuralSchema items;
    final List<String> required;
    final List<JsonNode> enumValues;
    final JsonNode defaultValue;
    final Double minimum;
    final boolean exclusiveMinimum;
    final Double maximum;
    final boolean exclusiveMaximum;
    final Double multipleOf;
    final Long minLength;
    final Long maxLength;
    /** As the CRD writes it, for messages; {@link #compiledPattern} is the same in Go's RE2 syntax and semantics. */
    final String pattern;
    final Pattern compiledPattern;
    final Long minItems;
    final Long maxItems;
    final Long minProperties;
    final Long maxProperties;
    /** {@code atomic}, {@code set} or {@code map}; null when not given, which is atomic. */
    final String listType;
    final List<String> listMapKeys;
    final List<Rule> rules;

    /**
     * Reads the schema node {@code props} and everything beneath it; {@code path} names the node in errors.
     *
     * @throws IllegalArgumentException when the schema uses a keyword the validator does not check
     */
    StructuralSchema(JsonNode props, String path) {
        refuseUnchecked(props, path);
        this.path = path;
        this.type = text(props, "type");
        this.intOrString = props.path("x-kubernetes-int-or-string").asBoolean(false);
        this.nullable = props.path("nullable").asBoolean(false);
        this.preserveUnknownFields = props.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        Map<String, StructuralSchema> children = new LinkedHashMap<>();
        props.path("properties").properties().forEach(property -> children.put(property.getKey(),
                new StructuralSchema(property.getValue(), FieldProblem.child(path, property.getKey()))));
        this.properties = Collections.unmodifiableMap(children);
        this.additionalProperties = props.has("additionalProperties")
                ? new StructuralSchema(props.get("additionalProperties"), path + "[*]") : null;
        this.items = props.has("items") ? new StructuralSchema(props.get("items"), path + "[*]") : null;
        List<String> requiredNames = new ArrayList<>();
        props.path("required").forEach(name -> requiredNames.add(name.asText()));
        this.required = List.copyOf(requiredNames);
        List<JsonNode> allowed = new ArrayList<>();
        props.path("enum").forEach(allowed::add);
        this.enumValues = List.copyOf(allowed);
        this.defaultValue = props.get("default");
        this.minimum = number(props, "minimum");
        this.exclusiveMinimum = props.path("exclusiveMinimum").asBoolean(false);
        this.maximum = number(props, "maximum");
        this.exclusiveMaximum = props.path("exclusiveMaximum").asBoolean(false);
        this.multipleOf = number(props, "multipleOf");
        this.minLength = count(props, "minLength");
        this.maxLength = count(props, "maxLength");
        this.pattern = text(props, "pattern");
        this.compiledPattern = pattern != null ? Pattern.compile(pattern) : null;
        this.minItems = count(props, "minItems");
        this.maxItems = count(props, "maxItems");
        this.minProperties = count(props, "minProperties");
        this.maxProperties = count(props, "maxProperties");
        this.listType = text(props, "x-kubernetes-list-type");
        List<String> keys = new ArrayList<>();
        props.path("x-kubernetes-list-map-keys").forEach(key -> keys.add(key.asText()));
        this.listMapKeys = List.copyOf(keys);
        List<Rule> validations = new ArrayList<>();
        props.path("x-kubernetes-validations").forEach(rule -> validations.add(new Rule(text(rule, "rule"),
                text(rule, "message"), text(rule, "messageExpression"), text(rule, "fieldPath"),
                text(rule, "reason"), rule.path("optionalOldSelf").asBoolean(false))));
        this.rules = List.copyOf(validations);
    }

    /** The schema of a child field or map value, or null when the object declares no such field. */
    StructuralSchema field(String name) {
        StructuralSchema property = properties.get(name);
        return property != null ? property : additionalProperties;
    }

    private static void refuseUnchecked(JsonNode props, String path) {
        List<String> unchecked = new ArrayList<>();
        props.properties().forEach(keyword -> {
            String name = keyword.getKey();
            if (name.equals("anyOf") && isIntOrStringAnyOf(props)) {
                return;
            }
            boolean schemaOrNothing = name.equals("additionalProperties") || name.equals("items");
            if (!CHECKED.contains(name) && !NO_EFFECT_ON_CREATE.contains(name)
                    || schemaOrNothing && !keyword.getValue().isObject()) {
                unchecked.add(name + ": " + keyword.getValue());
            }
        });
        if (!props.has("type") && !props.path("x-kubernetes-int-or-string").asBoolean(false)
                && !props.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            unchecked.add("no type");
        }
        if (!unchecked.isEmpty()) {
            throw new IllegalArgumentException((path.isEmpty() ? "the resource" : path) + ": the schema uses "
                    + String.join(", ", unchecked) + ", which TrainingRunValidator does not check");
        }
    }

    /** {@code anyOf: [{type: integer}, {type: string}]}: how Kubernetes writes an int-or-string, checked by type. */
    private static boolean isIntOrStringAnyOf(JsonNode props) {
        JsonNode anyOf = props.path("anyOf");
        return props.path("x-kubernetes-int-or-string").asBoolean(false) && anyOf.size() == 2
                && anyOf.get(0).path("type").asText().equals("integer")
                && anyOf.get(1).path("type").asText().equals("string");
    }

    private static String text(JsonNode node, String name) {
        return node.hasNonNull(name) ? node.get(name).asText() : null;
    }

    private static Double number(JsonNode node, String name) {
        return node.hasNonNull(name) ? node.get(name).doubleValue() : null;
    }

    private static Long count(JsonNode node, String name) {
        return node.hasNonNull(name) ? node.get(name).longValue() : null;
    }
}
