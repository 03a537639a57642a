package dev.trainingrun.api;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Gives quantity properties (integer or string) the pattern of a Kubernetes quantity, as Kubernetes' own CRD tooling
 * does for {@code resource.Quantity}; the CRD generator ignores {@code @Pattern} on them. The pattern applies to the
 * string form only: {@code 16Gi} and {@code 500m} pass, {@code ""} and {@code 16 GB} are refused.
 *
 * <p>Input: the names of the annotated type's quantity properties, separated by commas. Used only while the CRD is
 * generated.
 */
public class QuantityPattern implements SchemaCustomizer.Customizer {
    @Override
    public JSONSchemaProps apply(JSONSchemaProps schema, String input, KubernetesSerialization serialization) {
        for (String name : input.split(",")) {
            JSONSchemaProps quantity = schema.getProperties().get(name.trim());
            if (quantity == null || !Boolean.TRUE.equals(quantity.getXKubernetesIntOrString())) {
                throw new IllegalArgumentException("no quantity property " + name);
            }
            quantity.setPattern(SchemaPatterns.QUANTITY);
        }
        return schema;
    }
}
