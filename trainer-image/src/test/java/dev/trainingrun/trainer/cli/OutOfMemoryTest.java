package dev.trainingrun.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.EngineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which failures the trainer reports as memory that ran out, and in what words. */
class OutOfMemoryTest {
    private static final String HINT = "A smaller batch or image size needs less; or give the trainer more: the "
            + "pod's memory limit, and TRAINER_JAVA_OPTS=-Xmx... for the JVM's heap.";

    @Test
    void libtorchsAllocatorIsQuotedByItsFirstLine() {
        // libtorch's own words when the CPU allocator is refused memory, C++ frames below.
        var failure = new IllegalStateException("training step failed", new EngineException("[enforce fail at "
                + "alloc_cpu.cpp:117] data. DefaultCPUAllocator: can't allocate memory: you tried to allocate "
                + "3221225472 bytes. Error code 12 (Cannot allocate memory)\nframe #0: c10::ThrowEnforceNotMet"));

        assertEquals(Optional.of("error: out of memory in libtorch ([enforce fail at alloc_cpu.cpp:117] data. "
                + "DefaultCPUAllocator: can't allocate memory: you tried to allocate 3221225472 bytes. Error code 12 "
                + "(Cannot allocate memory)). " + HINT), TrainerCommand.outOfMemory(failure));
    }

    @Test
    void theJvmsOwnIsNamedWithWhatRanOut() {
        assertEquals(Optional.of("error: out of memory in the JVM (Cannot reserve 9437184 bytes of direct buffer "
                + "memory). " + HINT), TrainerCommand.outOfMemory(
                        new OutOfMemoryError("Cannot reserve 9437184 bytes of direct buffer memory")));
    }

    @Test
    void otherFailuresAreNotMemory() {
        assertEquals(Optional.empty(), TrainerCommand.outOfMemory(new EngineException("shape mismatch")));
        assertEquals(Optional.empty(), TrainerCommand.outOfMemory(new UncheckedIOException("disk full", new IOException("No space left on device"))));
    }
}
