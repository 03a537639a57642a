package dev.trainingrun.api;

import java.util.List;

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

    /** The run's resolved manifest, from a ConfigMap, read-only: {@code <dir>/<file>}. */
    public static final String MANIFEST_DIR = "/etc/trainingrun";
    public static final String MANIFEST_FILE = "run.yaml";
    /** The data volume, read-only: {@code spec.data.trainDir} and {@code valDir} are relative to it. */
    public static final String DATA_DIR = "/data";
    /** The checkpoint claim; the run's own directory on it is {@link #runDirectory}. */
    public static final String CHECKPOINT_DIR = "/checkpoints";
    /** Scratch space on an emptyDir (the root filesystem is read-only); also {@code HOME}. */
    public static final String SCRATCH_DIR = "/tmp";

    /** The trainer's subcommand and options, as {@code train --run M --data D --output O} spells them. */
    public static final String TRAIN = "train";
    public static final String RUN_OPTION = "--run";
    public static final String DATA_OPTION = "--data";
    public static final String OUTPUT_OPTION = "--output";

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

    /** The trainer container's arguments (the image's entrypoint is the trainer launcher). */
    public static List<String> arguments(TrainingRun run) {
        return List.of(TRAIN, RUN_OPTION, MANIFEST_DIR + "/" + MANIFEST_FILE, DATA_OPTION, DATA_DIR,
                OUTPUT_OPTION, CHECKPOINT_DIR + "/" + runDirectory(run));
    }
}
