package dev.trainingrun.operator.dependents;

import dev.trainingrun.api.TrainerPod;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunYaml;
import dev.trainingrun.operator.RunResources;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Objects;

/**
 * The ConfigMap the trainer reads its configuration from: the run as the API server defaulted it, in the
 * manifest format of the trainer's command line, so a run trains the same inside the cluster and outside.
 */
@KubernetesDependent(informer = @Informer(labelSelector = RunResources.MANAGED_SELECTOR))
public class RunConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, TrainingRun> {

    public RunConfigMapDependent() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(TrainingRun run, Context<TrainingRun> context) {
        return desiredConfigMap(run);
    }

    /** The manifest is all that matters; compared directly, which costs far less than the generic SSA matcher. */
    @Override
    public Result<ConfigMap> match(ConfigMap actual, ConfigMap desired, TrainingRun run, Context<TrainingRun> context) {
        return Result.computed(Objects.equals(actual.getData(), desired.getData()), desired);
    }

    static ConfigMap desiredConfigMap(TrainingRun run) {
        return new ConfigMapBuilder()
                .withMetadata(RunResources.metadata(run, RunResources.configMapName(run)))
                .addToData(TrainerPod.MANIFEST_FILE, manifest(run))
                .build();
    }

    /** The run's identity and spec, without status or server-side bookkeeping. */
    static String manifest(TrainingRun run) {
        TrainingRun copy = new TrainingRun();
        copy.setMetadata(new ObjectMetaBuilder()
                .withName(run.getMetadata().getName())
                .withNamespace(run.getMetadata().getNamespace())
                .withUid(run.getMetadata().getUid())
                .build());
        copy.setSpec(run.getSpec());
        return TrainingRunYaml.write(copy);
    }
}
