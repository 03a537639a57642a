package dev.trainingrun.trainer.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The layout of a run's own folder, in one place. Paths handed to listeners and written into files are relative
 * to the run's folder with "/" separators, so they stay valid wherever the volume is mounted.
 *
 * <pre>
 * config.json                  the resolved configuration and the versions that ran it
 * metrics.jsonl                one JSON object per finished epoch
 * curves.png                   loss and accuracy per epoch
 * skipped-images.jsonl         the images left out because they cannot be read, one JSON object each
 * model-best.safetensors       the best epoch's weights, torchvision state_dict names
 * model-final.safetensors      the last epoch's weights
 * checkpoints/NAME.safetensors the checkpoints, named like the seed's
 * checkpoints/latest, best     the relative path of the newest and of the best checkpoint, one line each
 * checkpoints/step.safetensors the step checkpoint: one rolling file, saved within an epoch (on SIGTERM, and every
 *                              spec.checkpoints.interval), never counted as an epoch checkpoint
 * position.json                the step training has reached, rewritten in place after every step
 * interruptions.jsonl          one JSON object per interruption the run met (a pod stopped or killed mid-run)
 * </pre>
 */
public record RunDirectory(Path root) {
    private static final String CHECKPOINTS = "checkpoints";
    /** The step checkpoint, relative to the run's folder as listeners and the status give it. */
    public static final String STEP_CHECKPOINT = CHECKPOINTS + "/step.safetensors";

    /** Creates the folder and its checkpoints folder if needed, and removes temporary files a killed run left. */
    public static RunDirectory open(Path root) throws IOException {
        RunDirectory run = new RunDirectory(root);
        Files.createDirectories(run.checkpoints());
        AtomicFile.removeLeftovers(root);
        AtomicFile.removeLeftovers(run.checkpoints());
        return run;
    }

    public Path configJson() {
        return root.resolve("config.json");
    }

    public Path metricsJsonl() {
        return root.resolve("metrics.jsonl");
    }

    public Path curvesPng() {
        return root.resolve("curves.png");
    }

    public Path skippedImages() {
        return root.resolve("skipped-images.jsonl");
    }

    public Path bestModel() {
        return root.resolve("model-best.safetensors");
    }

    public Path finalModel() {
        return root.resolve("model-final.safetensors");
    }

    public Path checkpoints() {
        return root.resolve(CHECKPOINTS);
    }

    public Path latestPointer() {
        return checkpoints().resolve("latest");
    }

    public Path bestPointer() {
        return checkpoints().resolve("best");
    }

    public Path stepCheckpoint() {
        return resolve(STEP_CHECKPOINT);
    }

    public Path position() {
        return root.resolve("position.json");
    }

    public Path interruptionsJsonl() {
        return root.resolve("interruptions.jsonl");
    }

    /** Whether the folder holds a checkpoint to continue from: an epoch checkpoint's pointer or a step checkpoint. */
    public boolean hasCheckpoint() {
        return Files.isRegularFile(latestPointer()) || Files.isRegularFile(stepCheckpoint());
    }

    /** The relative path of a checkpoint file name, as listeners and pointer files give it. */
    public String checkpointPath(String fileName) {
        return CHECKPOINTS + "/" + fileName;
    }

    /** The file a relative path names. */
    public Path resolve(String relative) {
        return root.resolve(relative);
    }
}
