package dev.trainingrun.trainer.files;

import com.google.common.io.MoreFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A temporary folder that lives as long as a command needs it: removed with everything in it by {@link #close}, and
 * also when the JVM ends before that (Ctrl-C, SIGTERM: the JVM runs its shutdown hooks then; only SIGKILL leaves it).
 */
public final class ScratchFolder implements AutoCloseable {
    private final Path path;
    private final Thread removal;

    private ScratchFolder(Path path) {
        this.path = path;
        this.removal = new Thread(this::removeQuietly, "remove " + path);
    }

    /**
     * Makes a new folder named {@code prefix} and a random suffix in {@code parent}, or in the JVM's temporary folder
     * when {@code parent} is null.
     */
    public static ScratchFolder create(Path parent, String prefix) throws IOException {
        ScratchFolder folder = new ScratchFolder(parent == null ? Files.createTempDirectory(prefix)
                : Files.createTempDirectory(parent, prefix));
        Runtime.getRuntime().addShutdownHook(folder.removal);
        return folder;
    }

    public Path path() {
        return path;
    }

    /** Removes the folder and what it holds. */
    @Override
    public void close() throws IOException {
        try {
            Runtime.getRuntime().removeShutdownHook(removal);
        } catch (IllegalStateException shuttingDown) {
            return; // the hook removes it
        }
        remove();
    }

    private void remove() throws IOException {
        MoreFiles.deleteRecursively(path);
    }

    /** In a shutdown hook, where a failure can only be printed. */
    private void removeQuietly() {
        try {
            remove();
        } catch (IOException e) {
            System.err.println("could not remove " + path + ": " + IoErrors.describe(e, path));
        }
    }
}
