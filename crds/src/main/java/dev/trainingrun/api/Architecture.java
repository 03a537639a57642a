package dev.trainingrun.api;

/** The networks the trainer can build; names match the seed script's {@code --model} choices. */
public enum Architecture {
    ResNet18,
    ResNet34,
    ResNet50,
    /** ResNet-18 whose randomly initialised encoder stays frozen: only the classifier head learns. */
    ResNet18RandomEncoder
}
