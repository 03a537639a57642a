package dev.trainingrun.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The schema's defaults, applied as the API server applies them before it validates (apiextensions-apiserver
 * {@code defaulting}): a null that the schema does not allow and has no default for is removed; then every field
 * left out or null that has a default gets a copy of it, and the defaults' own fields are defaulted in turn.
 */
final class SchemaDefaults {
    private SchemaDefaults() {}

    /** Applies the defaults in place. */
    static void apply(JsonNode value, StructuralSchema schema) {
        removeNullsWithoutDefault(value, schema);
        fill(value, schema);
    }

    private static void removeNullsWithoutDefault(JsonNode value, StructuralSchema schema) {
        if (value instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> entry : List.copyOf(object.properties())) {
                String name = entry.getKey();
                StructuralSchema field = schema == null ? null : schema.field(name);
                JsonNode child = entry.getValue();
                if (child.isNull() && field != null && !field.nullable && field.defaultValue == null) {
                    object.remove(name);
                } else {
                    removeNullsWithoutDefault(child, field);
                }
            }
        } else if (value instanceof ArrayNode array) {
            array.forEach(item -> removeNullsWithoutDefault(item, schema == null ? null : schema.items));
        }
    }

    private static void fill(JsonNode value, StructuralSchema schema) {
        if (schema == null) {
            return;
        }
        if (value instanceof ObjectNode object) {
            for (Map.Entry<String, StructuralSchema> property : schema.properties.entrySet()) {
                StructuralSchema field = property.getValue();
                JsonNode present = object.get(property.getKey());
                if (field.defaultValue != null && (present == null || nonNullableNull(present, field))) {
                    object.set(property.getKey(), field.defaultValue.deepCopy());
                }
            }
            for (Map.Entry<String, JsonNode> entry : List.copyOf(object.properties())) {
                String name = entry.getKey();
                StructuralSchema field = schema.field(name);
                if (field != null && schema.properties.get(name) == null && nonNullableNull(object.get(name), field)) {
                    object.set(name, copyOfDefault(field));
                }
                fill(object.get(name), field);
            }
        } else if (value instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (nonNullableNull(array.get(i), schema.items)) {
                    array.set(i, copyOfDefault(schema.items));
                }
                fill(array.get(i), schema.items);
            }
        }
    }

    private static boolean nonNullableNull(JsonNode value, StructuralSchema schema) {
        return value.isNull() && schema != null && !schema.nullable;
    }

    /** The default, or the null it replaces when there is none (the API server copies a nil default too). */
    private static JsonNode copyOfDefault(StructuralSchema schema) {
        return schema.defaultValue != null ? schema.defaultValue.deepCopy() : NullNode.getInstance();
    }
}
