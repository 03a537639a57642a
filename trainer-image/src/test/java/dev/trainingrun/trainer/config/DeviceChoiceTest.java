package dev.trainingrun.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceChoiceTest {

    @Test
    void noGpusMeansTheCpuEvenWhenGpusAreThere() {
        assertEquals(List.of(Device.cpu()), DeviceChoice.choose(0, 4));
    }

    @Test
    void takesTheFirstGpusAsked() {
        assertEquals(List.of(Device.gpu(0), Device.gpu(1)), DeviceChoice.choose(2, 4));
        assertEquals(List.of(Device.gpu(0)), DeviceChoice.choose(1, 1));
    }

    @Test
    void refusesToFallBackToTheCpuWhenAGpuWasAskedFor() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DeviceChoice.choose(1, 0));
        assertTrue(e.getMessage().startsWith("spec.resources.gpus: asks for 1 GPU(s) but the PyTorch engine sees none"));
    }

    @Test
    void refusesFewerGpusThanAsked() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DeviceChoice.choose(4, 2));
        assertEquals("spec.resources.gpus: asks for 4 GPUs but the PyTorch engine sees only 2", e.getMessage());
    }
}
