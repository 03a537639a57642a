package dev.trainingrun.api;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Set;
import java.util.TreeSet;

/**
 * Makes string fields of embedded Kubernetes types (whose classes we cannot annotate) required and non-empty, as the
 * Kubernetes API requires them once the operator puts them into a pod: an NFS volume without a server, or a claim
 * without a name, would otherwise be accepted here and refused only when the run's Job is created.
 *
 * <p>Input: {@code object.field} paths relative to the annotated type, separated by commas, e.g.
 * {@code "nfs.server,nfs.path"}. Used only while the CRD is generated.
 */
public class RequiredStrings implements SchemaCustomizer.Customizer {
    @Override
    public JSONSchemaProps apply(JSONSchemaProps schema, String input, KubernetesSerialization serialization) {
        for (String path : input.split(",")) {
            String[] objectAndField = path.trim().split("\\.");
            JSONSchemaProps object = schema.getProperties().get(objectAndField[0]);
            JSONSchemaProps field = object != null ? object.getProperties().get(objectAndField[1]) : null;
            if (field == null || !"string".equals(field.getType())) {
                throw new IllegalArgumentException("no string property " + path);
            }
            field.setMinLength(1L);
            Set<String> required = new TreeSet<>(object.getRequired());
            required.add(objectAndField[1]);
            object.setRequired(new ArrayList<>(required));
        }
        return schema;
    }
}
