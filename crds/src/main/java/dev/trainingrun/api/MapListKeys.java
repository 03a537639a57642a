package dev.trainingrun.api;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Marks list properties as map-lists keyed by one of their item fields, so that server-side apply merges
 * their entries by key; the CRD generator has no annotation for {@code x-kubernetes-list-type}.
 *
 * <p>Input: {@code property=key} pairs separated by commas, e.g. {@code "epochs=epoch,conditions=type"}.
 * Used only while the CRD is generated.
 */
public class MapListKeys implements SchemaCustomizer.Customizer {
    @Override
    public JSONSchemaProps apply(JSONSchemaProps schema, String input, KubernetesSerialization serialization) {
        for (String pair : input.split(",")) {
            String[] propertyAndKey = pair.trim().split("=");
            JSONSchemaProps list = schema.getProperties().get(propertyAndKey[0]);
            if (list == null || !"array".equals(list.getType())) {
                throw new IllegalArgumentException("no list property named " + propertyAndKey[0]);
            }
            String key = propertyAndKey[1];
            list.setXKubernetesListType("map");
            list.setXKubernetesListMapKeys(List.of(key));
            // The API server only accepts map-list keys that every item must carry.
            JSONSchemaProps item = list.getItems().getSchema();
            Set<String> required = new TreeSet<>(item.getRequired());
            required.add(key);
            item.setRequired(new ArrayList<>(required));
        }
        return schema;
    }
}
