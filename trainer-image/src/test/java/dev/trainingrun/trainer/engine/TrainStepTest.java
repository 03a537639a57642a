package dev.trainingrun.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.trainingrun.api.Architecture;
import dev.trainingrun.trainer.data.ImageBatch;
import dev.trainingrun.trainer.data.TestBatches;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.optim.FusedAdamW;
import dev.trainingrun.trainer.optim.AdamWParameterServer;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainStepTest {

    @Test
    void repeatedStepsOnOneBatchDriveItsLossTowardsZero() {
        ImageBatch batch = TestBatches.noise(8, 32, 1);
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                NDManager optimiserScope = manager.newSubManager()) {
            Network network = Network.create(Architecture.ResNet18, 3, 0, manager);
            ParameterStore store = new ParameterStore(manager, false);
            store.setParameterServer(new AdamWParameterServer(FusedAdamW.withWeightDecay(0.01, step -> 1e-3,
                    optimiserScope), network.parameters()), new Device[] {Device.cpu()});
            TrainStep step = new TrainStep(network.block(), store, List.of(Device.cpu()), manager);
            double first = step.run(batch);
            double last = first;
            for (int i = 0; i < 15; i++) {
                last = step.run(batch);
            }
            double firstLoss = first;
            double lastLoss = last;
            assertTrue(lastLoss < 0.1 && lastLoss < firstLoss / 5, () -> "loss went from " + firstLoss + " to " + lastLoss);
        }
    }
}
