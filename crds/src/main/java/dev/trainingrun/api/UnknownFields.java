package dev.trainingrun.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fields the schema does not declare, found as the API server's strict field validation finds them while it decodes a
 * request (apiextensions-apiserver {@code pruning.PruneWithOptions}): any field beneath an object that declares
 * neither it nor additionalProperties, at any depth, except beneath {@code x-kubernetes-preserve-unknown-fields}.
 */
final class UnknownFields {
    /** Fields of every resource, which its schema need not declare: {@code metadata} is ObjectMeta's to check. */
    private static final Set<String> RESOURCE_FIELDS = Set.of("apiVersion", "kind", "metadata");

    private UnknownFields() {}

    /** One problem per undeclared field, in the order of their paths, as the API server sorts them. */
    static List<FieldProblem> of(JsonNode resource, StructuralSchema schema) {
        List<FieldProblem> unknown = new ArrayList<>();
        collect(resource, schema, "", unknown);
        unknown.sort((a, b) -> a.field().compareTo(b.field()));
        return unknown;
    }

    private static void collect(JsonNode value, StructuralSchema schema, String path, List<FieldProblem> unknown) {
        if (value.isObject()) {
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                String name = field.getKey();
                StructuralSchema declared = schema == null ? null : schema.field(name);
                if (declared != null) {
                    collect(field.getValue(), declared, FieldProblem.child(path, name), unknown);
                } else if (!(path.isEmpty() && RESOURCE_FIELDS.contains(name)) && !preservesUnknown(schema)) {
                    unknown.add(new FieldProblem(FieldProblem.child(path, name), FieldProblem.Type.UNKNOWN_FIELD,
                            "unknown field, " + declaredFields(schema)));
                }
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                collect(value.get(i), schema == null ? null : schema.items, FieldProblem.index(path, i), unknown);
            }
        }
    }

    private static boolean preservesUnknown(StructuralSchema schema) {
        return schema != null && schema.preserveUnknownFields;
    }

    private static String declaredFields(StructuralSchema schema) {
        if (schema == null || schema.properties.isEmpty()) {
            return "the schema declares no fields here";
        }
        return "the schema declares " + String.join(", ", schema.properties.keySet());
    }
}
