package dev.trainingrun.trainer.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Why a file operation failed, in words for a message: Java names some reasons only by the exception's class
 * ({@link NoSuchFileException} has the path alone as its message), and {@code toString()} puts the class name
 * before the rest, which is no text for a user.
 */
public final class IoErrors {
    private IoErrors() {}

    /**
     * What went wrong, e.g. {@code "run/checkpoints exists and is not a folder"} or {@code "No space left on
     * device"}: the file the exception names, unless it is {@code subject}, which the caller's message names
     * already, and the reason.
     *
     * @param subject the file or folder the caller's message is about; null when it names none
     */
    public static String describe(IOException e, Path subject) {
        if (e instanceof FileSystemException failed && failed.getFile() != null) {
            String file = failed.getFile();
            String reason = reason(failed, Path.of(file));
            if (subject != null && Path.of(file).toAbsolutePath().equals(subject.toAbsolutePath())) {
                return reason.startsWith(": ") ? reason.substring(2) : reason;
            }
            return file + (reason.startsWith(":") ? reason : " " + reason);
        }
        if (e.getMessage() == null) {
            return e.getCause() instanceof IOException cause ? describe(cause, subject) : "input/output error";
        }
        // new IOException(cause) takes the cause's toString(), its class name first, as its message.
        if (e.getCause() instanceof IOException cause && e.getMessage().equals(cause.toString())) {
            return describe(cause, subject);
        }
        return e.getMessage();
    }

    /** The reason, worded to follow the file's name: "does not exist", or ": " and the system's words. */
    private static String reason(FileSystemException e, Path file) {
        if (e instanceof NoSuchFileException) {
            return "does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return ": permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "is not a folder";
        }
        if (e instanceof FileAlreadyExistsException) {
            return Files.isDirectory(file) ? "already exists" : "exists and is not a folder";
        }
        return ": " + Objects.requireNonNullElse(e.getReason(), "input/output error");
    }
}
