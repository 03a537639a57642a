package dev.trainingrun.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the operator promises the training pod, and what the trainer relies on: the command line, the mounts, the
 * environment and the user, written once for both sides of the seam. The operator builds the pod from it; the
 * trainer reads its arguments and environment through it. How the trainer's process ends is {@link TrainerExitCode};
 * which status fields it writes is {@link StatusOwner}. docs/operator.md ("The training pod") describes the whole.
 */
public final class TrainerPod {
    /** The container that runs the trainer. */
    public static final String CONTAINER = "trainer";
    /** The uid and gid the trainer runs as (the images' non-root user). */
    public static final long USER_ID = 1000;

    /**
     * The ServiceAccount every trainer of a namespace runs under: one per namespace, not per run, made by the
     * operator with a Role that lets it patch the status of any run there; the chart's ValidatingAdmissionPolicy,
     * which names it too, narrows that to the run of the pod its token was issued to (docs/security.md).
     */
    public static final String SERVICE_ACCOUNT = "trainingrun-trainer";

    /** The run's resolved manifest, from a downward-API volume of a pod annotation, read-only: {@code <dir>/<file>}. */
    public static final String MANIFEST_DIR = "/etc/trainingrun";
    public static final String MANIFEST_FILE = "run.yaml";
    /**
     * The pod annotation that carries the manifest, which a downward-API volume turns into {@link #MANIFEST_FILE}: the
     * spec reaches the pod with the Job, without an object of its own.
     */
    public static final String MANIFEST_ANNOTATION = "trainingrun.dev/manifest";
    /** The data volume, read-only: {@code spec.data.trainDir} and {@code valDir} are relative to it. */
    public static final String DATA_DIR = "/data";
    /** The checkpoint claim; the run's own directory on it is {@link #runDirectory}. */
    public static final String CHECKPOINT_DIR = "/checkpoints";
    /**
     * A fork's source (spec.model.from): the source run's checkpoint claim, read-only; the source's directory on it
     * is {@link #runDirectory} of the source run.
     */
    public static final String SOURCE_DIR = "/source";
    /** Scratch space on an emptyDir (the root filesystem is read-only); also {@code HOME}. */
    public static final String SCRATCH_DIR = "/tmp";

    /** The trainer's subcommand and options, as {@code train --run M --data D --output O
     * --termination-message T} spells them. */
    public static final String TRAIN = "train";
    public static final String RUN_OPTION = "--run";
    public static final String DATA_OPTION = "--data";
    public static final String OUTPUT_OPTION = "--output";
    /**
     * Where the trainer writes why its run ended early ({@link EarlyStop}): the container's terminationMessagePath
     * (Kubernetes' default), named to the trainer by {@code --termination-message}, so that a trainer run by hand
     * writes none.
     */
    public static final String TERMINATION_MESSAGE_OPTION = "--termination-message";
    public static final String TERMINATION_MESSAGE_PATH = "/dev/termination-log";
    /** The source run's directory a fork starts from, as {@code --from DIR}; only for a run with spec.model.from. */
    public static final String FROM_OPTION = "--from";

    /** The run's name and namespace, from the downward API: where the trainer reports its status. */
    public static final String RUN_NAME_ENV = "TRAININGRUN_NAME";
    public static final String RUN_NAMESPACE_ENV = "TRAININGRUN_NAMESPACE";
    /** {@code true}: DJL otherwise reaches out to the network when its engine starts. */
    public static final String DJL_OFFLINE_ENV = "DJL_OFFLINE";
    public static final String HOME_ENV = "HOME";

    private TrainerPod() {}

    /**
     * The run's own directory on the checkpoint claim: its name and the start of its uid, so that a run deleted and
     * created again under the same name never resumes from its predecessor's checkpoints.
     */
    public static String runDirectory(TrainingRun run) {
        return run.getMetadata().getName() + "-" + run.getMetadata().getUid().substring(0, 8);
    }

    /**
     * The trainer container's arguments (the image's entrypoint is the trainer launcher); for a fork, {@code source}
     * is the run that spec.model.from names, whose directory the trainer reads under {@link #SOURCE_DIR}.
     */
    public static List<String> arguments(TrainingRun run, Optional<TrainingRun> source) {
        List<String> arguments = new ArrayList<>(List.of(TRAIN, RUN_OPTION, MANIFEST_DIR + "/" + MANIFEST_FILE,
                DATA_OPTION, DATA_DIR, OUTPUT_OPTION, CHECKPOINT_DIR + "/" + runDirectory(run),
                TERMINATION_MESSAGE_OPTION, TERMINATION_MESSAGE_PATH));
        source.ifPresent(from -> arguments.addAll(List.of(FROM_OPTION, SOURCE_DIR + "/" + runDirectory(from))));
        return List.copyOf(arguments);
    }
}
