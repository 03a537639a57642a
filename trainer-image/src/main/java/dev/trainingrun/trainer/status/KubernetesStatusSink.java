package dev.trainingrun.trainer.status;

import dev.trainingrun.api.StatusOwner;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the trainer's status fields to its TrainingRun by server-side apply on the status subresource, under the
 * trainer's own field manager. The applied object holds the run's name and the trainer's fields and nothing else:
 * what it leaves out (the spec, the operator's phase and conditions) is neither claimed nor changed, and a field
 * the trainer sent before and leaves out now (an epoch beyond the newest hundred) is removed.
 */
public final class KubernetesStatusSink implements StatusSink {

    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    KubernetesStatusSink(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    /** A writer for the run {@code namespace/name} through a client made from {@code config}. */
    public static KubernetesStatusSink connect(Config config, String namespace, String name) {
        Config settings = new ConfigBuilder(config)
                // The publisher retries, and always with the newest state; the client's own retries would only
                // resend a stale one.
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(5_000)
                .withRequestTimeout(10_000)
                .build();
        return new KubernetesStatusSink(new KubernetesClientBuilder().withConfig(settings).build(), namespace, name);
    }

    @Override
    public void write(TrainingRunStatus status) {
        Map<String, Object> apply = new LinkedHashMap<>();
        apply.put("apiVersion", TrainingRun.GROUP + "/" + TrainingRun.VERSION);
        apply.put("kind", "TrainingRun");
        apply.put("metadata", Map.of("name", name));
        apply.put("status", status);
        // Sent as the object to apply, not as a patch string: fabric8 reads the object before applying a string,
        // and the trainer needs no right to read runs.
        GenericKubernetesResource object = client.getKubernetesSerialization()
                .convertValue(apply, GenericKubernetesResource.class);
        client.genericKubernetesResources(ResourceDefinitionContext.fromResourceType(TrainingRun.class))
                .inNamespace(namespace).resource(object).subresource("status")
                .patch(new PatchContext.Builder()
                        .withPatchType(PatchType.SERVER_SIDE_APPLY)
                        .withFieldManager(StatusOwner.TRAINER.fieldManager())
                        .withForce(true)
                        .build());
    }

    @Override
    public void close() {
        client.close();
    }
}
