package dev.trainingrun.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingrun.api.FieldProblem.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The OpenAPI value checks of a schema, as the API server makes them (kube-openapi {@code validate}): types, enums,
 * bounds, lengths, patterns, item and property counts and required fields; then the uniqueness of the items of
 * {@code x-kubernetes-list-type} set and map lists (apiextensions-apiserver {@code listtype}). As there, each check
 * applies by the kind of value found (a string meets the string checks whatever the schema's type), and of the
 * string checks only the first that fails is reported.
 *
 * <p>Two messages differ from the API server's on purpose: a string too long is "more than N characters" (the API
 * server counts characters but says bytes), and too many properties are "properties", not "items".
 */
final class SchemaChecks {
    /** The largest magnitude at which every whole double is exactly an integer, as Go's JSON validation bounds it. */
    private static final double MAX_EXACT_INTEGER = 9007199254740992.0;

    private final List<FieldProblem> problems = new ArrayList<>();

    private SchemaChecks() {}

    /** Every problem of {@code value} against {@code schema}; {@code path} is the value's field path. */
    static List<FieldProblem> of(JsonNode value, StructuralSchema schema, String path) {
        SchemaChecks checks = new SchemaChecks();
        checks.check(value, schema, path);
        checks.uniqueItems(value, schema, path);
        return checks.problems;
    }

    private void check(JsonNode value, StructuralSchema schema, String path) {
        if (!hasExpectedType(value, schema)) {
            add(path, Type.TYPE_INVALID, value, "must be of type " + String.join(" or ", types(schema)));
        }
        if (value.isTextual()) {
            string(value.textValue(), schema, path, value);
        } else if (value.isNumber()) {
            number(value, schema, path);
        } else if (value.isArray()) {
            array(value, schema, path);
        }
        if (!schema.enumValues.isEmpty()
                && schema.enumValues.stream().noneMatch(allowed -> sameValue(allowed, value))) {
            problems.add(new FieldProblem(path, Type.NOT_SUPPORTED, Type.NOT_SUPPORTED.words() + ": " + value
                    + ": supported values: " + schema.enumValues.stream().map(JsonNode::toString)
                    .collect(Collectors.joining(", "))));
        }
        if (value.isObject()) {
            object(value, schema, path);
        }
    }

    private void string(String text, StructuralSchema schema, String path, JsonNode value) {
        long length = text.codePointCount(0, text.length());
        if (schema.maxLength != null && length > schema.maxLength) {
            problems.add(new FieldProblem(path, Type.TOO_LONG, Type.TOO_LONG.words() + ": may not be more than "
                    + schema.maxLength + " characters"));
        } else if (schema.minLength != null && length < schema.minLength) {
            add(path, Type.INVALID, value, "should be at least " + schema.minLength + " chars long");
        } else if (schema.compiledPattern != null && !schema.compiledPattern.matcher(text).find()) {
            add(path, Type.INVALID, value, "should match '" + schema.pattern + "'");
        }
    }

    private void number(JsonNode value, StructuralSchema schema, String path) {
        double number = value.doubleValue();
        if (schema.multipleOf != null && !isWhole(number / schema.multipleOf)) {
            add(path, Type.INVALID, value, "should be a multiple of " + bound(schema.multipleOf));
        }
        if (schema.minimum != null && (schema.exclusiveMinimum ? number <= schema.minimum : number < schema.minimum)) {
            add(path, Type.INVALID, value, "should be greater than " + (schema.exclusiveMinimum ? "" : "or equal to ")
                    + bound(schema.minimum));
        }
        if (schema.maximum != null && (schema.exclusiveMaximum ? number >= schema.maximum : number > schema.maximum)) {
            add(path, Type.INVALID, value, "should be less than " + (schema.exclusiveMaximum ? "" : "or equal to ")
                    + bound(schema.maximum));
        }
    }

    private void array(JsonNode value, StructuralSchema schema, String path) {
        if (schema.items != null) {
            for (int i = 0; i < value.size(); i++) {
                check(value.get(i), schema.items, FieldProblem.index(path, i));
            }
        }
        if (schema.minItems != null && value.size() < schema.minItems) {
            add(path, Type.INVALID, value.size(), "should have at least " + schema.minItems + " items");
        }
        if (schema.maxItems != null && value.size() > schema.maxItems) {
            add(path, Type.TOO_MANY, value.size(), "must have at most " + schema.maxItems + " items");
        }
    }

    private void object(JsonNode value, StructuralSchema schema, String path) {
        if (schema.minProperties != null && value.size() < schema.minProperties) {
            add(path, Type.INVALID, value.size(), "should have at least " + schema.minProperties + " properties");
        }
        if (schema.maxProperties != null && value.size() > schema.maxProperties) {
            add(path, Type.TOO_MANY, value.size(), "must have at most " + schema.maxProperties + " properties");
        }
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            if (schema.additionalProperties != null && !schema.properties.containsKey(field.getKey())) {
                // The API server names map values with a dot here, and with brackets in CEL rule problems.
                check(field.getValue(), schema.additionalProperties, path + "." + field.getKey());
            }
        }
        schema.properties.forEach((name, property) -> {
            if (value.has(name)) {
                check(value.get(name), property, FieldProblem.child(path, name));
            }
        });
        for (String name : schema.required) {
            if (!value.has(name)) {
                problems.add(new FieldProblem(FieldProblem.child(path, name), Type.REQUIRED, Type.REQUIRED.words()));
            }
        }
    }

    /** Items repeated in a set list, or keys repeated in a map list: each repetition but the first, once. */
    private void uniqueItems(JsonNode value, StructuralSchema schema, String path) {
        if (schema == null) {
            return;
        }
        if (value.isArray()) {
            if ("set".equals(schema.listType) || "map".equals(schema.listType)) {
                Set<JsonNode> seen = new HashSet<>();
                Set<JsonNode> reported = new HashSet<>();
                for (int i = 0; i < value.size(); i++) {
                    JsonNode identity = "set".equals(schema.listType) ? value.get(i) : mapKeys(value.get(i), schema);
                    if (!seen.add(identity) && reported.add(identity)) {
                        problems.add(new FieldProblem(FieldProblem.index(path, i), Type.DUPLICATE,
                                Type.DUPLICATE.words() + ": " + identity));
                    }
                }
            }
            for (int i = 0; i < value.size(); i++) {
                uniqueItems(value.get(i), schema.items, FieldProblem.index(path, i));
            }
        } else if (value.isObject()) {
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                StructuralSchema property = schema.properties.get(field.getKey());
                uniqueItems(field.getValue(), property != null ? property : schema.additionalProperties,
                        property != null ? FieldProblem.child(path, field.getKey())
                                : FieldProblem.key(path, field.getKey()));
            }
        }
    }

    /** The item's values of the list's map keys, as an object of the keys it has. */
    private static JsonNode mapKeys(JsonNode item, StructuralSchema schema) {
        ObjectNode keys = JsonNodeFactory.instance.objectNode();
        for (String key : schema.listMapKeys) {
            if (item.has(key)) {
                keys.set(key, item.get(key));
            }
        }
        return keys;
    }

    private void add(String path, Type type, Object value, String expected) {
        problems.add(new FieldProblem(path, type, type.words() + ": " + value + ": " + expected));
    }

    private static boolean hasExpectedType(JsonNode value, StructuralSchema schema) {
        Set<String> expected = types(schema);
        if (expected.isEmpty()) {
            return true;
        }
        if (value.isNull()) {
            return schema.nullable;
        }
        String found = jsonType(value);
        return expected.contains(found)
                || found.equals("number") && isWhole(value.doubleValue()) && expected.contains("integer")
                || found.equals("integer") && expected.contains("number");
    }

    /** The JSON types the schema admits: none for an untyped node that keeps unknown fields. */
    private static Set<String> types(StructuralSchema schema) {
        if (schema.intOrString) {
            return Set.of("integer", "string");
        }
        return schema.type == null ? Set.of() : Set.of(schema.type);
    }

    private static String jsonType(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "string";
            case BOOLEAN -> "boolean";
            case NUMBER -> value.isIntegralNumber() ? "integer" : "number";
            case ARRAY -> "array";
            case OBJECT -> "object";
            default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** Whether a double is an integer that JSON can carry exactly (go-openapi {@code IsFloat64AJSONInteger}). */
    private static boolean isWhole(double number) {
        return Double.isFinite(number) && Math.abs(number) <= MAX_EXACT_INTEGER && number == Math.rint(number);
    }

    /** Enum membership by JSON value: 2 and 2.0 are the same number, as they are once in JSON. */
    private static boolean sameValue(JsonNode allowed, JsonNode value) {
        if (allowed.isNumber() && value.isNumber()) {
            return allowed.decimalValue().compareTo(value.decimalValue()) == 0;
        }
        return allowed.equals(value);
    }

    /** A bound as people write it: 100000, not 100000.0. */
    private static String bound(double bound) {
        return isWhole(bound) ? Long.toString((long) bound) : Double.toString(bound);
    }
}
