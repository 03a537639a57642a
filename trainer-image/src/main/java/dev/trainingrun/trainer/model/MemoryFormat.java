package dev.trainingrun.trainer.model;

import ai.djl.Device;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How a network's convolution weights, and so every activation computed from them, are stored in memory. libtorch
 * runs a convolution channels-last when its input or its weight is; with the weights channels-last the whole forward
 * and backward pass is, while the input batch stays contiguous.
 */
public enum MemoryFormat {
    /** NCHW, PyTorch's default: each channel's plane in one piece. */
    CONTIGUOUS("contiguous"),
    /** NHWC ({@code torch.channels_last}): the channels of each pixel in one piece. */
    CHANNELS_LAST("channels-last");

    /**
     * The smallest image side at which both ResNet-18 and ResNet-50 trained faster channels-last in the trainer on the
     * CPU, of the sides measured (64, 96, 128 and 224).
     */
    private static final int CHANNELS_LAST_MIN_SIDE = 128;

    /**
     * The faster format for training on {@code side}-pixel images on {@code devices}, as measured in the trainer on 2
     * CPU cores, batch 16, AdamW, contiguous against channels-last back to back ({@code docs/performance.md},
     * "Memory format"): at 64 px channels-last was slower for ResNet-50 (-2 to -8 %), at 96 px even for both models,
     * from 128 px faster for both (ResNet-18 +3 to +6 %, ResNet-50 +16 to +22 % at 128 px, +21 % at 224 px).
     * ResNet-34 and ResNet18RandomEncoder follow the same rule unmeasured; the thread count and batch size are not
     * considered. On a GPU nothing was measured here, so training there keeps PyTorch's default.
     */
    public static MemoryFormat forTraining(int side, List<Device> devices) {
        if (devices.stream().anyMatch(Device::isGpu)) {
            return CONTIGUOUS;
        }
        return side >= CHANNELS_LAST_MIN_SIDE ? CHANNELS_LAST : CONTIGUOUS;
    }

    private final String label;

    MemoryFormat(String label) {
        this.label = label;
    }

    /** Its name in the trainer's start line, {@code config.json} and the benchmark's figures. */
    public String label() {
        return label;
    }

    /** The format named {@code label} ("contiguous" or "channels-last"), if one is. */
    public static Optional<MemoryFormat> ofLabel(String label) {
        return Arrays.stream(values()).filter(format -> format.label.equals(label)).findFirst();
    }
}
