package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One image-classification training run: what to train on which data, and how far it got. */
@Group(TrainingRun.GROUP)
@Version(TrainingRun.VERSION)
@ShortNames("tr")
@JsonClassDescription("An image-classification training run: a ResNet trained with AdamW on an ImageFolder data set "
        + "in a pod the operator manages, with per-epoch metrics and checkpoints reported in its status.")
@AdditionalPrinterColumn(name = "Phase", type = Type.STRING, jsonPath = ".status.phase")
// True while the run waits in its Kueue queue, False once admitted, empty for runs without a queue (docs/kueue.md).
@AdditionalPrinterColumn(name = "Queued", type = Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Queued\")].status")
@AdditionalPrinterColumn(name = "Epoch", type = Type.INTEGER, jsonPath = ".status.progress.epoch")
@AdditionalPrinterColumn(name = "Val-Acc", type = Type.NUMBER, jsonPath = ".status.progress.valAccuracy")
@AdditionalPrinterColumn(name = "Best", type = Type.NUMBER, jsonPath = ".status.best.valAccuracy")
@AdditionalPrinterColumn(name = "Age", type = Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class TrainingRun extends CustomResource<TrainingRunSpec, TrainingRunStatus> implements Namespaced {
    public static final String GROUP = "trainingrun.dev";
    public static final String VERSION = "v1alpha1";
    /** The CRD's name: plural and group. */
    public static final String CRD_NAME = "trainingruns." + GROUP;
    /**
     * The CRD these types generate, as a resource beside this class: the committed {@code crds/} file, which the
     * drift test holds equal to the generator's output. The operator compares it with the CRD a cluster serves.
     */
    public static final String CRD_RESOURCE = CRD_NAME + ".yaml";

    // Overridden only to describe spec and status in the schema (kubectl explain trainingrun.spec).
    @Override
    @JsonPropertyDescription("What to train, on which data, with which settings, and how the training pod runs.")
    @Required
    public TrainingRunSpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("What the operator and the trainer know about the run; written by them, never by users.")
    public TrainingRunStatus getStatus() {
        return super.getStatus();
    }

    @Override
    protected TrainingRunSpec initSpec() {
        return new TrainingRunSpec();
    }
}
