package dev.trainingrun.trainer.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reasons Java gives only by an exception's class are put in words; the file is named once. */
class IoErrorsTest {
    @TempDir
    Path dir;

    @Test
    void theReasonsJavaNamesByClassAreWords() throws IOException {
        Path file = Files.writeString(dir.resolve("checkpoints"), "");
        assertEquals(dir + "/x does not exist", IoErrors.describe(new NoSuchFileException(dir + "/x"), null));
        assertEquals(dir + "/x: permission denied", IoErrors.describe(new AccessDeniedException(dir + "/x"), null));
        assertEquals(file + " is not a folder", IoErrors.describe(new NotDirectoryException(file.toString()), null));
        assertEquals(file + " exists and is not a folder",
                IoErrors.describe(new FileAlreadyExistsException(file.toString()), null));
        assertEquals(dir + " already exists", IoErrors.describe(new FileAlreadyExistsException(dir.toString()), null));
        assertEquals(dir + "/x: Read-only file system",
                IoErrors.describe(new FileSystemException(dir + "/x", null, "Read-only file system"), null));
    }

    @Test
    void theFileTheCallerNamesIsNotNamedAgain() {
        Path file = dir.resolve("position.json");
        assertEquals("Is a directory", IoErrors.describe(new FileSystemException(file.toString(), null,
                "Is a directory"), file));
        assertEquals("does not exist", IoErrors.describe(new NoSuchFileException(file.toString()), file));
        assertEquals(file + " does not exist", IoErrors.describe(new NoSuchFileException(file.toString()),
                dir.resolve("other")));
    }

    @Test
    void aWrappedExceptionIsDescribedByItsCauseAndAPlainOneByItsMessage() {
        Path file = dir.resolve("x");
        assertEquals(file + " does not exist", IoErrors.describe(new IOException(new NoSuchFileException(
                file.toString())), null));
        assertEquals("No space left on device", IoErrors.describe(new IOException("No space left on device"), file));
    }
}
