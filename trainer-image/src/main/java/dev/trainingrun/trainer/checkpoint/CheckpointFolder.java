package dev.trainingrun.trainer.checkpoint;

import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.events.RunHistory;
import dev.trainingrun.trainer.files.AtomicFile;
import dev.trainingrun.trainer.files.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The checkpoints folder of a run: which files in it are checkpoints, the {@code latest} and {@code best} pointer
 * files (each holds one relative path and a newline, so a person or a script finds them without listing and
 * parsing names, on any volume, symlinks or not), and the removal of checkpoints retention lets go.
 */
final class CheckpointFolder {
    static final String UNREADABLE_SUFFIX = ".unreadable";

    private final RunDirectory run;

    CheckpointFolder(RunDirectory run) {
        this.run = run;
    }

    /** The files named as checkpoints, newest epoch first. */
    List<Path> newestFirst() throws IOException {
        try (Stream<Path> files = Files.list(run.checkpoints())) {
            return files.filter(f -> CheckpointName.epoch(f).isPresent())
                    .sorted(Comparator.comparingInt((Path f) -> CheckpointName.epoch(f).getAsInt()).reversed()
                            .thenComparing(Comparator.naturalOrder()))
                    .toList();
        }
    }

    /** The rolling step checkpoint (perhaps absent). */
    Path stepCheckpoint() {
        return run.stepCheckpoint();
    }

    /** The relative path of a checkpoint file. */
    String relative(Path checkpoint) {
        return run.checkpointPath(checkpoint.getFileName().toString());
    }

    /**
     * Points {@code latest} and {@code best} at the history's newest and best saved checkpoints, then removes
     * every checkpoint file retention does not keep; pointers move first, so they never name a removed file.
     */
    void update(RunHistory history, int keep) throws IOException {
        if (history.isEmpty()) {
            return;
        }
        EpochReport last = history.last();
        if (last.latestCheckpoint().isPresent()) {
            AtomicFile.write(run.latestPointer(), last.latestCheckpoint().get() + "\n");
        }
        var best = history.bestSaved().flatMap(EpochReport::checkpoint);
        if (best.isPresent()) {
            AtomicFile.write(run.bestPointer(), best.get() + "\n");
        }
        Set<String> kept = Retention.kept(history, keep);
        for (Path file : newestFirst()) {
            if (!kept.contains(relative(file))) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Moves an unreadable checkpoint out of the way (kept for inspection) so it is not tried again. */
    void setAside(Path checkpoint) throws IOException {
        Files.move(checkpoint, checkpoint.resolveSibling(checkpoint.getFileName() + UNREADABLE_SUFFIX),
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Removes every checkpoint, the step checkpoint and both pointers: a run that does not resume starts over. */
    int clear() throws IOException {
        List<Path> checkpoints = newestFirst();
        for (Path file : checkpoints) {
            Files.delete(file);
        }
        Files.deleteIfExists(run.stepCheckpoint());
        Files.deleteIfExists(run.latestPointer());
        Files.deleteIfExists(run.bestPointer());
        return checkpoints.size();
    }
}
