package dev.trainingrun.api;

/**
 * The networks the trainer can build; names match the seed script's {@code --model} choices. Each knows its size as
 * torchvision builds it (torchvision's counts with 1,000 classes: 11,689,512 for ResNet-18, 21,797,672 for ResNet-34,
 * 25,557,032 for ResNet-50), which sets what a checkpoint weighs and so how long a pod needs to save one.
 */
public enum Architecture {
    ResNet18(11_176_512, 512, true),
    ResNet34(21_284_672, 512, true),
    ResNet50(23_508_032, 2048, true),
    /** ResNet-18 whose randomly initialised encoder stays frozen: only the classifier head learns. */
    ResNet18RandomEncoder(11_176_512, 512, false);

    private final long encoderParameters;
    private final int features;
    private final boolean encoderTrains;

    Architecture(long encoderParameters, int features, boolean encoderTrains) {
        this.encoderParameters = encoderParameters;
        this.features = features;
        this.encoderTrains = encoderTrains;
    }

    /** Parameters of the network with a head of {@code numClasses}: the encoder's and the final layer's. */
    public long parameters(int numClasses) {
        return encoderParameters + headParameters(numClasses);
    }

    /** Parameters the optimiser updates: all of them, or only the head's when the encoder is frozen. */
    public long trainableParameters(int numClasses) {
        return encoderTrains ? parameters(numClasses) : headParameters(numClasses);
    }

    /**
     * Bytes of float32 tensors a checkpoint holds: every parameter once and AdamW's two moments of each trainable
     * one (batch norm's running statistics, a fraction of a percent more, are left out).
     */
    public long checkpointBytes(int numClasses) {
        return Float.BYTES * (parameters(numClasses) + 2 * trainableParameters(numClasses));
    }

    /** The final fully connected layer: a weight per feature and class, and a bias per class. */
    private long headParameters(int numClasses) {
        return (long) (features + 1) * numClasses;
    }
}
