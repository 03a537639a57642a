package dev.trainingrun.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingrun.api.Interruptions;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.operator.it.Fixtures;
import dev.trainingrun.testing.Await;
import dev.trainingrun.testing.Cluster;
import dev.trainingrun.testing.OnLocalCluster;
import dev.trainingrun.testing.Pods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run that loses its pod continues in the next pod from where it stood. Deleted or suspended, the pod is asked to
 * stop (SIGTERM): it saves a step checkpoint and the next pod continues at the next step, so no step is trained
 * twice. Killed outright (SIGKILL), it redoes at most the steps since its last interval checkpoint, and says how many.
 * Either way the run ends with the weights of a run that was never interrupted, to the last bit.
 */
@OnLocalCluster
class ResumeE2EIT {
    /** Three runs share the node's two cores at times: generous, since a slow run is not what is tested here. */
    private static final Duration TIMEOUT = Duration.ofMinutes(15);
    private static final List<Integer> ALL_EPOCHS = List.of(1, 2, 3, 4);
    /** Images per class: epochs of 28 steps, long enough that a stop lands inside one. */
    private static final int TRAIN_PER_CLASS = 150;
    /** Epochs of the SIGKILL test's runs: long enough to outlast a 30 s checkpoint interval on any machine. */
    private static final int LONG_EPOCHS = 12;

    private static EndToEnd e2e;
    private static KubernetesClient client;
    private static Cluster cluster;

    @BeforeAll
    static void prepare(KubernetesClient kubernetes, Cluster localCluster) {
        client = kubernetes;
        cluster = localCluster;
        e2e = EndToEnd.prepare(ResumeE2EIT.class, client, cluster, TRAIN_PER_CLASS);
        e2e.create("steady", EndToEnd.RESUMABLE_SPEC);
    }

    @AfterAll
    static void stop() {
        if (e2e != null) {
            e2e.close();
        }
    }

    @Test
    void aPodDeletedInTheMiddleOfAnEpochIsReplacedByOneThatContinuesAtTheNextStep() throws IOException {
        e2e.create("interrupted", EndToEnd.RESUMABLE_SPEC);
        TrainingRun atDeletion = e2e.await("interrupted", "to finish its first epoch", TIMEOUT,
                run -> !EndToEnd.statusEpochs(run).isEmpty());
        Pod first = e2e.pods("interrupted").get(0);
        client.pods().resource(first).delete();
        assertEquals(List.of(1), EndToEnd.statusEpochs(atDeletion), "deleted before epoch 2 ended");

        TrainingRun interrupted = e2e.awaitFinished("interrupted", TIMEOUT);
        assertEquals(Phase.Succeeded, interrupted.getStatus().getPhase(), () -> e2e.logs("interrupted"));
        assertEquals(2, interrupted.getStatus().getAttempts());
        assertFalse(e2e.pods("interrupted").stream()
                .anyMatch(p -> p.getMetadata().getUid().equals(first.getMetadata().getUid())));
        String resumedLog = e2e.logs("interrupted");
        assertTrue(resumedLog.contains("resuming from checkpoints/step.safetensors: epoch 1 is done, continuing "
                + "epoch 2 at step "), resumedLog);
        assertFalse(resumedLog.contains("epoch 1 done"), "epoch 1 was not trained again:\n" + resumedLog);

        Interruptions interruptions = interrupted.getStatus().getInterruptions();
        assertEquals(List.of(1, 0L, "Stopped"), List.of(interruptions.getCount(), interruptions.getStepsRedone(),
                interruptions.getLastCause()));
        JsonNode second = e2e.metrics(interrupted).get(1);
        assertEquals(1, second.get("interruptions").asInt());
        assertEquals(0, second.get("stepsRedone").asInt(), "no step of epoch 2 was trained twice");
        assertEndsAsTheSteadyRun(interrupted);
    }

    @Test
    void aSuspendedRunSavesWhereItStandsAndContinuesThereWhenResumed() throws Exception {
        e2e.create("paused", EndToEnd.RESUMABLE_SPEC);
        e2e.await("paused", "to finish its first epoch", TIMEOUT, run -> !EndToEnd.statusEpochs(run).isEmpty());
        suspend("paused", true);
        TrainingRun suspended = e2e.await("paused", "to be suspended with a step checkpoint", TIMEOUT,
                run -> run.getStatus().getPhase() == Phase.Suspended && run.getStatus().getCheckpoints() != null
                        && run.getStatus().getCheckpoints().getStep() != null);
        Await.until("the paused run's pod to be gone", TIMEOUT, () -> e2e.pods("paused").isEmpty());
        long savedAt = suspended.getStatus().getCheckpoints().getStepCheckpointStep();
        assertTrue(Files.isRegularFile(e2e.runDirectory(suspended).resolve("checkpoints/step.safetensors")),
                "the step checkpoint stays");

        suspend("paused", false);
        TrainingRun finished = e2e.awaitFinished("paused", TIMEOUT);
        assertEquals(Phase.Succeeded, finished.getStatus().getPhase(), () -> e2e.logs("paused"));
        e2e.assertContinuedAfterStop("paused", savedAt);
        assertEquals(ALL_EPOCHS, EndToEnd.statusEpochs(finished));
        assertEquals(ALL_EPOCHS, e2e.metrics(finished).stream().map(m -> m.get("epoch").asInt()).toList());
        assertEquals(0L, finished.getStatus().getInterruptions().getStepsRedone());
        assertEndsAsTheSteadyRun(finished);
    }

    @Test
    void aContainerKilledWithSigkillRedoesOnlyTheStepsSinceItsLastIntervalCheckpoint() throws IOException {
        // No epoch checkpoints (they would reset the interval): the interval's step checkpoints are all it has. The
        // interval is wall-clock time (30 s at the least), so the run must last well beyond it on a fast machine as on
        // a slow one: twelve epochs (about 100 s on a quiet 2-core machine), and a steady twin of the same length.
        String spec = EndToEnd.RESUMABLE_SPEC.replace("epochs: 4,", "epochs: " + LONG_EPOCHS + ",");
        e2e.create("steady-long", spec);
        e2e.create("killed", spec.replace("saveAfterEpoch: 0", "saveAfterEpoch: " + LONG_EPOCHS + ", interval: 30s"));
        TrainingRun saved = e2e.await("killed", "to save a step checkpoint on its interval", TIMEOUT,
                run -> run.getStatus() != null && run.getStatus().getCheckpoints() != null
                        && run.getStatus().getCheckpoints().getStep() != null);
        long savedAt = saved.getStatus().getCheckpoints().getStepCheckpointStep();
        e2e.await("killed", "to train past its step checkpoint", TIMEOUT,
                run -> run.getStatus().getProgress().getStep() > savedAt + 2
                        && run.getStatus().getCheckpoints().getStep() != null);
        Pods.killContainer(cluster, e2e.pods("killed").get(0), "trainer");

        TrainingRun killed = e2e.awaitFinished("killed", TIMEOUT);
        assertEquals(Phase.Succeeded, killed.getStatus().getPhase(), () -> e2e.logs("killed"));
        Interruptions interruptions = killed.getStatus().getInterruptions();
        assertEquals(List.of(1, "Killed"), List.of(interruptions.getCount(), interruptions.getLastCause()));
        long redone = interruptions.getStepsRedone();
        assertTrue(redone > 0, "the steps trained after the checkpoint are redone, and counted: " + redone);
        assertTrue(interruptions.getSecondsLost() <= 30 + 10, "at most an interval lost: " + interruptions);
        long inMetrics = e2e.metrics(killed).stream().mapToLong(m -> m.get("stepsRedone").asLong()).sum();
        assertEquals(redone, inMetrics, "metrics.jsonl says the same");
        assertEndsAs("steady-long", killed);
    }

    private static void assertEndsAsTheSteadyRun(TrainingRun run) throws IOException {
        assertEndsAs("steady", run);
    }

    private static void assertEndsAs(String steadyName, TrainingRun run) throws IOException {
        e2e.assertEndsAs(steadyName, run, TIMEOUT);
    }

    private static void suspend(String run, boolean suspend) {
        Fixtures.runs(client).withName(run).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\": {\"runPolicy\": {\"suspend\": " + suspend + "}}}");
    }
}
