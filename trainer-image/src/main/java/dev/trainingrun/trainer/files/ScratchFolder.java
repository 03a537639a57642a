package dev.trainingrun.trainer.files;

import com.google.common.io.MoreFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A temporary folder that lives as long as a command needs it, for a try-with-resources: {@link #close} removes it
 * with everything in it. A command that may be interrupted stops through its StopRequest, so that the close runs
 * (a shutdown hook would remove the folder while the command's threads still read it).
 */
public final class ScratchFolder implements AutoCloseable {
    private final Path path;

    private ScratchFolder(Path path) {
        this.path = path;
    }

    /**
     * Makes a new folder named {@code prefix} and a random suffix in {@code parent}, or in the JVM's temporary folder
     * when {@code parent} is null.
     */
    public static ScratchFolder create(Path parent, String prefix) throws IOException {
        return new ScratchFolder(parent == null ? Files.createTempDirectory(prefix)
                : Files.createTempDirectory(parent, prefix));
    }

    public Path path() {
        return path;
    }

    /** Removes the folder and what it holds. */
    @Override
    public void close() throws IOException {
        MoreFiles.deleteRecursively(path);
    }
}
