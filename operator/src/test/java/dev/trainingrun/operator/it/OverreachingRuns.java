package dev.trainingrun.operator.it;

import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.validation.SecurityPolicy;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import java.util.function.Function;

/**
 * Runs that ask, through the operator, for more than a restricted training pod (a node's directory, a
 * system-critical priority, another scheduler, an image outside the allow-list), and the Helm chart's values that
 * refuse or allow them. The operator's SecurityIT and the chart's AdmissionPolicyIT put the same runs to both places
 * that enforce the security policy.
 */
public final class OverreachingRuns {
    /** The chart's defaults, with an image allow-list. */
    public static final String SAFE_VALUES = """
            trainer: {image: registry.example/ml/trainer:1}
            policy: {imagePrefixes: [registry.example/ml]}
            """;
    /** Values that allow what the overreaching runs ask for. */
    public static final String PERMISSIVE_VALUES = """
            trainer: {image: registry.example/ml/trainer:1}
            policy:
              hostPathPrefixes: [/srv/images]
              priorityClassNames: [system-node-critical]
              schedulerNames: [my-scheduler]
              imagePrefixes: [registry.example/ml, docker.io/anyone]
            """;
    private static final String PLACEMENT = "gpus: 1, nodeSelector: {" + Fixtures.FAKE_NODE_LABEL + ": \"true\"}";
    private static final String CLAIMS = "data: {volume: {persistentVolumeClaim: {claimName: " + Fixtures.DATA_CLAIM
            + "}}}, checkpoints: {claimName: " + Fixtures.CHECKPOINT_CLAIM + "}";

    /**
     * A run that asks for more than a training pod: how the policy refuses it (the operator's reason, the field and
     * the setting both places name), and where its Job's pod shows what it asked for once the policy allows it.
     */
    public record Overreach(String name, String spec, String reason, String field, String setting,
            Function<PodSpec, Object> granted, Object asked) {
        public TrainingRun run() {
            return Fixtures.run(name, spec);
        }
    }

    public static final List<Overreach> ALL = List.of(
            new Overreach("node-files", """
                    {data: {volume: {hostPath: {path: /srv/images}}}, checkpoints: {claimName: %s},
                     resources: {%s}}""".formatted(Fixtures.CHECKPOINT_CLAIM, PLACEMENT),
                    SecurityPolicy.DATA_VOLUME_NOT_ALLOWED, "spec.data.volume.hostPath.path", "hostPathPrefixes",
                    pod -> pod.getVolumes().get(0).getHostPath().getPath(), "/srv/images"),
            new Overreach("node-critical", """
                    {%s, resources: {%s, priorityClassName: system-node-critical}}""".formatted(CLAIMS, PLACEMENT),
                    SecurityPolicy.PRIORITY_CLASS_NOT_ALLOWED, "spec.resources.priorityClassName",
                    "priorityClassNames", PodSpec::getPriorityClassName, "system-node-critical"),
            new Overreach("own-scheduler", """
                    {%s, resources: {%s, schedulerName: my-scheduler}}""".formatted(CLAIMS, PLACEMENT),
                    SecurityPolicy.SCHEDULER_NOT_ALLOWED, "spec.resources.schedulerName", "schedulerNames",
                    PodSpec::getSchedulerName, "my-scheduler"),
            new Overreach("outside-image", """
                    {image: "docker.io/anyone/trainer:1", %s, resources: {%s}}""".formatted(CLAIMS, PLACEMENT),
                    SecurityPolicy.IMAGE_NOT_ALLOWED, "spec.image", "imagePrefixes",
                    pod -> pod.getContainers().get(0).getImage(), "docker.io/anyone/trainer:1"));

    private OverreachingRuns() {}

    /** A run that asks for nothing the safe values refuse: an allowed image, claims, a fake node. */
    public static TrainingRun withinPolicy(String name) {
        return Fixtures.run(name, """
                {image: registry.example/ml/trainer:2, %s, resources: {%s}}""".formatted(CLAIMS, PLACEMENT));
    }
}
