package dev.trainingrun.trainer.events;

import dev.trainingrun.api.SourceInclude;

/**
 * Where a fork (spec.model.from) started: the source run, its uid as its config.json records it ({@code null} when
 * unknown), the checkpoint loaded (relative to the source run's directory), the epoch it holds, and what was taken
 * from it. config.json, the checkpoints and the run's status (startedFrom) carry it.
 */
public record Lineage(String run, String uid, String checkpoint, int epoch, SourceInclude include) {}
