package dev.trainingrun.trainer.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainingrun.trainer.events.BestEpoch;
import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.RunHistory;
import dev.trainingrun.trainer.files.AtomicFile;
import dev.trainingrun.trainer.files.RunDirectory;
import dev.trainingrun.trainer.model.Network;
import dev.trainingrun.trainer.safetensors.SafetensorsFile;
import dev.trainingrun.trainer.safetensors.SafetensorsWriter;
import dev.trainingrun.trainer.safetensors.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's weights for other tools: {@code model-best.safetensors} (rewritten whenever an epoch becomes the best)
 * and {@code model-final.safetensors} (after the last epoch), each exactly torchvision's {@code state_dict} for the
 * architecture and class count, so {@code torchvision.models.resnet18(num_classes=N).load_state_dict(...)} takes it
 * as it is. The metadata names the architecture, the classes in output order, and the epoch with its metrics.
 */
final class ModelExports {
    private static final String EPOCH = "epoch";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunDirectory run;
    private final Network network;
    private final List<String> classes;

    ModelExports(RunDirectory run, Network network, List<String> classes) {
        this.run = run;
        this.network = network;
        this.classes = classes;
    }

    /** Exports the network's current weights as the best epoch's. */
    void writeBest(EpochMetrics epoch, long trainedBatches) throws IOException {
        write(run.bestModel(), ModelState.tensors(network, trainedBatches), metadata(epoch));
    }

    /** Exports the network's current weights as the final ones. */
    void writeFinal(EpochMetrics epoch, long trainedBatches) throws IOException {
        write(run.finalModel(), ModelState.tensors(network, trainedBatches), metadata(epoch));
    }

    /**
     * After a restart: makes {@code model-best.safetensors} match the restored history's best epoch. The file may
     * come from an epoch the restart is about to train again (written after the checkpoint it resumes from); it is
     * then rewritten from the network (when the best epoch is the restored one and the network holds its end, that
     * is {@code atLastEpoch}: not after a step checkpoint) or the best epoch's checkpoint, and removed otherwise:
     * training that epoch again writes it again.
     */
    void reconcileBest(RunHistory history, boolean atLastEpoch, long trainedBatches) throws IOException {
        if (history.isEmpty()) {
            Files.deleteIfExists(run.bestModel());
            return;
        }
        BestEpoch best = history.last().best();
        if (exportedEpoch(run.bestModel()).equals(Integer.toString(best.epoch()))) {
            return;
        }
        EpochMetrics bestMetrics = history.reports().get(best.epoch() - 1).metrics();
        if (atLastEpoch && best.epoch() == history.last().epoch()) {
            writeBest(bestMetrics, trainedBatches);
        } else if (best.checkpoint().isPresent() && Files.exists(run.resolve(best.checkpoint().get()))) {
            try (SafetensorsFile checkpoint = SafetensorsFile.open(run.resolve(best.checkpoint().get()))) {
                List<Tensor> model = checkpoint.tensors().keySet().stream()
                        .filter(name -> !name.startsWith(CheckpointFile.OPTIMIZER)).map(checkpoint::tensor).toList();
                write(run.bestModel(), model, metadata(bestMetrics));
            }
        } else {
            Files.deleteIfExists(run.bestModel());
        }
    }

    /** Removes both exports: a run that does not resume starts over. */
    void clear() throws IOException {
        Files.deleteIfExists(run.bestModel());
        Files.deleteIfExists(run.finalModel());
    }

    private Map<String, String> metadata(EpochMetrics epoch) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("architecture", network.architecture().name());
        metadata.put("num_classes", Integer.toString(classes.size()));
        metadata.put("classes", JSON.valueToTree(classes).toString());
        metadata.put(EPOCH, Integer.toString(epoch.epoch()));
        metadata.put("val_accuracy", Double.toString(epoch.valAccuracy()));
        metadata.put("val_loss", Double.toString(epoch.valLoss()));
        return metadata;
    }

    private static void write(Path path, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        AtomicFile.write(path, channel -> SafetensorsWriter.write(channel, metadata, tensors));
    }

    /** The epoch an export says it holds, or "" when there is none or it is unreadable. */
    private static String exportedEpoch(Path export) {
        if (!Files.exists(export)) {
            return "";
        }
        try (SafetensorsFile file = SafetensorsFile.open(export)) {
            return file.metadata().getOrDefault(EPOCH, "");
        } catch (IOException e) {
            return "";
        }
    }
}
