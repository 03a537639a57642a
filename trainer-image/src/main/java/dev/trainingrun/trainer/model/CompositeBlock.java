package dev.trainingrun.trainer.model;

import ai.djl.nn.AbstractBlock;

/**
 * A block made of child blocks that remembers once it is initialised. DJL's {@code forward} asks
 * {@code isInitialized()} on every call, and the default answer walks the whole subtree building a fresh,
 * name-prefixed parameter list: for a ResNet that is thousands of string concatenations per step.
 */
abstract class CompositeBlock extends AbstractBlock {
    private boolean initialized;

    @Override
    public boolean isInitialized() {
        if (!initialized) {
            initialized = super.isInitialized();
        }
        return initialized;
    }
}
