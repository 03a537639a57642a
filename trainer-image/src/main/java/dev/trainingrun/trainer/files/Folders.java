package dev.trainingrun.trainer.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Checks of a folder the trainer is to make, done before anything is written. */
public final class Folders {
    private Folders() {}

    /** The problem with an empty folder option, which Java would take for the working folder. */
    public static final String EMPTY = "is empty, expected a folder";

    /**
     * Why {@code folder} cannot be made, when it cannot: it is empty (to Java the working folder, so a forgotten
     * value would write wherever the shell is), or it, or the nearest part of its path that exists, is not a folder
     * (e.g. {@code "data.tar exists and is not a folder, so folder data.tar/run cannot be made"}).
     */
    public static Optional<String> cannotBeMade(Path folder) {
        if (folder.toString().isEmpty()) {
            return Optional.of(EMPTY);
        }
        Path existing = folder;
        while (existing.getParent() != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (!Files.exists(existing) || Files.isDirectory(existing)) {
            return Optional.empty();
        }
        return Optional.of(existing + " exists and is not a folder"
                + (existing.equals(folder) ? "" : ", so folder " + folder + " cannot be made"));
    }
}
