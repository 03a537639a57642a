package dev.trainingrun.operator.e2e;

import dev.trainingrun.testing.Pods;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The quickstart's data on a claim, as a user would put it there: a Job runs the trainer image's
 * {@code generate-data} with the claim mounted, on the real node, under the restricted profile. The claim binds to
 * that node (local-path), so every run that reads it trains there too. Public for the Helm chart's tests, which
 * train a run with the operator the chart installs (through this module's test jar).
 */
public final class ShapesData {
    public static final String CLAIM = "quickstart-data";
    public static final String REAL_NODE_LABEL = "trainingrun.dev/real-node";

    private ShapesData() {}

    /** Writes {@code trainPerClass} and {@code valPerClass} images of 3 classes at 64 px to the claim. */
    public static void generate(KubernetesClient client, String image, int trainPerClass, int valPerClass) {
        client.persistentVolumeClaims().resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(CLAIM).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce")
                    .withNewResources().addToRequests("storage", new Quantity("200Mi")).endResources()
                .endSpec().build()).create();
        Job job = client.batch().v1().jobs().resource(new JobBuilder()
                .withNewMetadata().withName("generate-data").endMetadata()
                .withNewSpec().withBackoffLimit(0)
                    .withNewTemplate().withNewSpec()
                        .withRestartPolicy("Never")
                        .withNodeSelector(Map.of(REAL_NODE_LABEL, "true"))
                        .withNewSecurityContext()
                            .withRunAsNonRoot(true).withRunAsUser(1000L).withRunAsGroup(1000L).withFsGroup(1000L)
                            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .endSecurityContext()
                        .addNewContainer().withName("generate").withImage(image)
                            .withArgs("generate-data", "--output", "/data", "--classes", "3",
                                    "--train-per-class", Integer.toString(trainPerClass),
                                    "--val-per-class", Integer.toString(valPerClass), "--size", "64", "--seed", "0")
                            .addNewEnv().withName("HOME").withValue("/tmp").endEnv()
                            .withNewSecurityContext().withAllowPrivilegeEscalation(false)
                                .withReadOnlyRootFilesystem(true)
                                .withNewCapabilities().withDrop("ALL").endCapabilities()
                            .endSecurityContext()
                            .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
                            .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                        .endContainer()
                        .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName(CLAIM)
                            .endPersistentVolumeClaim().endVolume()
                        .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                    .endSpec().endTemplate()
                .endSpec().build()).create();
        try {
            client.batch().v1().jobs().resource(job).waitUntilCondition(j -> j.getStatus() != null
                    && (j.getStatus().getSucceeded() != null && j.getStatus().getSucceeded() == 1
                        || j.getStatus().getFailed() != null && j.getStatus().getFailed() > 0),
                    3, TimeUnit.MINUTES);
        } catch (RuntimeException e) {
            throw new AssertionError("generating the data timed out:\n" + describe(client), e);
        }
        Job done = client.batch().v1().jobs().resource(job).get();
        if (done.getStatus().getSucceeded() == null || done.getStatus().getSucceeded() != 1) {
            throw new AssertionError("generating the data failed:\n" + describe(client));
        }
    }

    private static String describe(KubernetesClient client) {
        List<Pod> pods = client.pods().withLabel("job-name", "generate-data").list().getItems();
        StringBuilder text = new StringBuilder();
        for (Pod pod : pods) {
            String name = pod.getMetadata().getName();
            text.append(Pods.describe(client, name)).append("\nlog:\n");
            try {
                text.append(client.pods().withName(name).getLog());
            } catch (RuntimeException e) {
                text.append("(no log: ").append(e.getMessage()).append(')');
            }
        }
        return text.toString();
    }
}
