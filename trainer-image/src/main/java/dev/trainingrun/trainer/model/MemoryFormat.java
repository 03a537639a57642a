package dev.trainingrun.trainer.model;

import ai.djl.Device;
import java.util.List;

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
     * The smallest measured image side (of 64, 96, 128, 160 and 224) at which a ResNet of basic blocks (ResNet-18)
     * trained faster channels-last on the CPU; its first stage's feature maps are then 32 x 32 or larger.
     */
    private static final int BASIC_BLOCK_MIN_SIDE = 128;

    /**
     * The faster format for training {@code network} on {@code side}-pixel images on {@code devices}, as measured
     * on 2 CPU cores with torch 2.5.1, ResNet-18 and ResNet-50, batch 16, AdamW ({@code docs/performance.md}, "Memory
     * format"):
     * <ul>
     *   <li>ResNet-50 (bottleneck blocks): channels-last was faster at every size measured (64 and 224 px).</li>
     *   <li>ResNet-18 (basic blocks): channels-last was faster from {@link #BASIC_BLOCK_MIN_SIDE} px on (128, 160 and
     *       224 px), slower below (64 and 96 px). ResNet-34 and ResNet18RandomEncoder, of the same blocks, follow
     *       the same rule unmeasured.</li>
     *   <li>On a GPU nothing was measured here, so training there keeps PyTorch's default.</li>
     * </ul>
     * The thread count and batch size (2 and 16 in every measurement) are not considered.
     */
    public static MemoryFormat forTraining(ResNet network, int side, List<Device> devices) {
        if (devices.stream().anyMatch(Device::isGpu)) {
            return CONTIGUOUS;
        }
        return network.bottleneck() || side >= BASIC_BLOCK_MIN_SIDE ? CHANNELS_LAST : CONTIGUOUS;
    }

    private final String label;

    MemoryFormat(String label) {
        this.label = label;
    }

    /** Its name in the trainer's start line. */
    public String label() {
        return label;
    }
}
