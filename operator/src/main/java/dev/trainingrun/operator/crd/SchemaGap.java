package dev.trainingrun.operator.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsOrArray;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsOrBool;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What a served CRD schema lacks of the schema the operator was built with: the fields it does not declare (the API
 * server refuses a server-side apply that sets one, and drops them from other writes) and the enum values it does
 * not allow (the API server refuses a write that uses one); and a value cut down to what such a schema declares.
 * Pure, so that it is unit-tested on schemas.
 */
public final class SchemaGap {
    private SchemaGap() {}

    /**
     * The paths the served schema lacks, in the built schema's order: {@code spec.runPolicy.activeDeadlineSeconds},
     * {@code status.epochs[].seconds}, {@code status.phase (value Suspended)}. Below a served object that keeps
     * unknown fields nothing is missing.
     */
    public static List<String> missing(JSONSchemaProps built, JSONSchemaProps served) {
        List<String> missing = new ArrayList<>();
        compare(built, served, "", missing);
        return missing;
    }

    private static void compare(JSONSchemaProps built, JSONSchemaProps served, String path, List<String> missing) {
        if (Boolean.TRUE.equals(served.getXKubernetesPreserveUnknownFields())) {
            return;
        }
        if (built.getEnum() != null && served.getEnum() != null) {
            built.getEnum().stream()
                    .filter(value -> !served.getEnum().contains(value))
                    .forEach(value -> missing.add(path + " (value " + value.asText() + ")"));
        }
        Map<String, JSONSchemaProps> servedProperties =
                served.getProperties() != null ? served.getProperties() : Map.of();
        if (built.getProperties() != null) {
            built.getProperties().forEach((name, property) -> {
                String child = path.isEmpty() ? name : path + "." + name;
                JSONSchemaProps there = servedProperties.get(name);
                if (there == null) {
                    missing.add(child);
                } else {
                    compare(property, there, child, missing);
                }
            });
        }
        JSONSchemaProps builtItems = items(built.getItems());
        JSONSchemaProps servedItems = items(served.getItems());
        if (builtItems != null && servedItems != null) {
            compare(builtItems, servedItems, path + "[]", missing);
        }
        JSONSchemaProps builtValues = values(built.getAdditionalProperties());
        JSONSchemaProps servedValues = values(served.getAdditionalProperties());
        if (builtValues != null && servedValues != null) {
            compare(builtValues, servedValues, path + "{}", missing);
        }
    }

    /**
     * Removes from {@code value} (in place) every field that {@code schema} does not declare, at any depth: what a
     * server-side apply under that schema must leave out, since the API server refuses it whole ("field not declared
     * in schema") rather than dropping the field.
     */
    public static void dropUndeclared(JsonNode value, JSONSchemaProps schema) {
        if (Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())) {
            return;
        }
        if (value instanceof ObjectNode object) {
            Map<String, JSONSchemaProps> declared = schema.getProperties();
            JSONSchemaProps values = values(schema.getAdditionalProperties());
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                JSONSchemaProps fieldSchema = declared != null ? declared.get(field.getKey()) : null;
                if (fieldSchema == null) {
                    fieldSchema = values;
                }
                if (fieldSchema == null) {
                    fields.remove();
                } else {
                    dropUndeclared(field.getValue(), fieldSchema);
                }
            }
        } else if (value instanceof ArrayNode array && items(schema.getItems()) != null) {
            array.forEach(item -> dropUndeclared(item, items(schema.getItems())));
        }
    }

    private static JSONSchemaProps items(JSONSchemaPropsOrArray items) {
        return items != null ? items.getSchema() : null;
    }

    private static JSONSchemaProps values(JSONSchemaPropsOrBool values) {
        return values != null ? values.getSchema() : null;
    }
}
