package dev.trainingrun.trainer.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainingrun.api.Normalization;
import dev.trainingrun.trainer.config.TrainingConfig;
import dev.trainingrun.trainer.events.RunPlan;

/**
 * {@code config.json}, what the seed's {@code log.json} records and more: the versions that ran the run, its
 * configuration resolved (defaults filled in, folders resolved, what the data and schedule came to), where this
 * attempt started, and the manifest as given.
 */
final class ConfigJson {
    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private ConfigJson() {}

    static ObjectNode of(TrainingConfig config, RunPlan plan, Versions versions) {
        ObjectNode root = JSON.createObjectNode();
        var metadata = config.manifest().getMetadata();
        root.putObject("run")
                .put("name", metadata.getName())
                .put("namespace", metadata.getNamespace())
                .put("uid", metadata.getUid())
                .put("directory", plan.runDirectory().toString());
        root.set("versions", JSON.valueToTree(versions));
        ObjectNode resolved = root.putObject("resolved");
        resolved.put("architecture", config.architecture().name())
                .put("numClasses", config.numClasses());
        resolved.set("classes", JSON.valueToTree(plan.classes()));
        resolved.put("trainDir", config.trainDir().toString())
                .put("valDir", config.valDir().toString())
                .put("trainImages", plan.trainImages())
                .put("validationImages", plan.validationImages())
                .put("imageSize", config.imageSize());
        Normalization normalize = config.normalization();
        if (normalize.isEnabled()) {
            ObjectNode values = resolved.putObject("normalize");
            values.set("mean", JSON.valueToTree(normalize.getMean()));
            values.set("std", JSON.valueToTree(normalize.getStd()));
        } else {
            resolved.putNull("normalize");
        }
        resolved.put("loaderThreads", config.loaderThreads())
                .put("epochs", config.epochs())
                .put("batchSize", config.batchSize())
                .put("validationBatchSize", config.validationBatchSize())
                .put("learningRate", config.learningRate())
                .put("warmupEpochs", config.warmupEpochs())
                .put("weightDecay", config.weightDecay())
                .put("seed", config.seed())
                .put("stepsPerEpoch", plan.stepsPerEpoch())
                .put("totalSteps", plan.totalSteps())
                .put("trainableParameters", plan.trainableParameters())
                .put("saveAfterEpoch", config.saveAfterEpoch())
                .put("keepCheckpoints", config.keepCheckpoints())
                .put("checkpointIntervalSeconds", config.checkpointInterval().toSeconds())
                .put("resume", config.resume())
                .put("gpus", config.gpus());
        resolved.set("devices", JSON.valueToTree(plan.devices().stream().map(Object::toString).toList()));
        ObjectNode start = root.putObject("start").put("epoch", plan.start().firstEpoch());
        plan.start().checkpoint().ifPresent(checkpoint -> start.put("checkpoint", checkpoint));
        plan.start().inEpoch().ifPresent(inEpoch -> start.put("batch", inEpoch.batches()));
        start.put("interruptions", plan.start().interruptions().size());
        root.set("manifest", JSON.valueToTree(config.manifest()));
        return root;
    }
}
