package dev.trainingrun.operator.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.CheckpointLocations;
import dev.trainingrun.api.EpochResult;
import dev.trainingrun.api.Phase;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunStatus;
import dev.trainingrun.operator.Runs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the operator refuses to start, and how it says so. */
class RunValidatorTest {
    private static final String DATA = "data: {volume: {persistentVolumeClaim: {claimName: images}}}}";
    private static final TrainingRun NAMED_CLAIMS = Runs.run("cats", """
            {data: {volume: {persistentVolumeClaim: {claimName: images}}}, checkpoints: {claimName: results}}""");
    /** The operator's defaults, which allow every run of this class but those that name a PriorityClass. */
    private static final SecurityPolicy DEFAULTS = new SecurityPolicy(true, List.of(), List.of("s"), List.of(),
            List.of(), List.of(), List.of(), "trainer:1");

    @Test
    void aRunWhoseClaimsExistIsFine() {
        assertTrue(RunValidator.validate(NAMED_CLAIMS, DEFAULTS, Set.of("images", "results")::contains).isEmpty());
    }

    @Test
    void theOperatorsOwnClaimNeedNotExistYet() {
        TrainingRun run = Runs.run("cats", "{data: {volume: {persistentVolumeClaim: {claimName: images}}}}");
        assertTrue(RunValidator.validate(run, DEFAULTS, Set.of("images")::contains).isEmpty());
    }

    @Test
    void aForkOfAnExistingRunOfTheSameNetworkWithItsBestCheckpointIsFine() {
        TrainingRun source = Runs.run("quickstart", "{model: {architecture: ResNet34, numClasses: 3}, " + DATA);
        source.setStatus(saved("checkpoints/best-epoch-2.safetensors", null, Phase.Running, 2));
        TrainingRun fork = Runs.run("cats", "{model: {architecture: ResNet34, numClasses: 3, "
                + "from: {run: quickstart}}, " + DATA);
        assertTrue(RunValidator.source(fork, name -> Optional.of(source).filter(run -> name.equals("quickstart")))
                .isEmpty());
        assertTrue(RunValidator.source(source, name -> Optional.empty()).isEmpty(), "a run that is no fork");
    }

    @Test
    void aForkWhoseSourceIsMissingWaits() {
        TrainingRun fork = Runs.run("cats", "{model: {from: {run: quickstart}}, " + DATA);
        Problem problem = RunValidator.source(fork, name -> Optional.empty()).orElseThrow();
        assertEquals("SourceRunNotFound", problem.reason());
        assertFalse(problem.permanent());
        assertEquals("TrainingRun quickstart in namespace ml, named by spec.model.from.run, does not exist; the run "
                + "starts as soon as it does.", problem.message());
    }

    @Test
    void aForkWaitsWhileItsSourceHasNotSavedTheCheckpointItNames() {
        TrainingRun source = Runs.run("quickstart", "{" + DATA);
        TrainingRun best = Runs.run("cats", "{model: {from: {run: quickstart}}, " + DATA);
        TrainingRun latest = Runs.run("cats", "{model: {from: {run: quickstart, checkpoint: Latest}}, " + DATA);
        TrainingRun third = Runs.run("cats", "{model: {from: {run: quickstart, checkpoint: Epoch, epoch: 3}}, " + DATA);

        Problem waiting = RunValidator.source(best, name -> Optional.of(source)).orElseThrow();
        assertEquals("SourceCheckpointPending", waiting.reason());
        assertFalse(waiting.permanent());
        assertEquals("TrainingRun quickstart, named by spec.model.from.run, has not saved a best checkpoint "
                + "(spec.model.from.checkpoint) yet; the run starts as soon as it has.", waiting.message());

        // Epoch 2 trained, its checkpoint the newest but not the best.
        source.setStatus(saved(null, "checkpoints/epoch-2.safetensors", Phase.Running, 2));
        assertEquals("SourceCheckpointPending",
                RunValidator.source(best, name -> Optional.of(source)).orElseThrow().reason());
        assertTrue(RunValidator.source(latest, name -> Optional.of(source)).isEmpty());
        Problem epoch = RunValidator.source(third, name -> Optional.of(source)).orElseThrow();
        assertTrue(epoch.message().contains("has not saved the checkpoint of epoch 3"), epoch.message());

        source.setStatus(saved("checkpoints/epoch-3.safetensors", "checkpoints/epoch-3.safetensors",
                Phase.Running, 3));
        assertTrue(RunValidator.source(best, name -> Optional.of(source)).isEmpty());
        assertTrue(RunValidator.source(third, name -> Optional.of(source)).isEmpty());
    }

    @Test
    void aForkOfASourceThatFinishedWithoutTheCheckpointFailsForGood() {
        TrainingRun source = Runs.run("quickstart", "{" + DATA);
        source.setStatus(saved(null, null, Phase.Failed, 0));
        TrainingRun fork = Runs.run("cats", "{model: {from: {run: quickstart}}, " + DATA);
        Problem problem = RunValidator.source(fork, name -> Optional.of(source)).orElseThrow();
        assertEquals("SourceCheckpointMissing", problem.reason());
        assertTrue(problem.permanent());
        assertEquals("TrainingRun quickstart, named by spec.model.from.run, is Failed without a best checkpoint "
                + "(spec.model.from.checkpoint); create the run again with a checkpoint it has.", problem.message());
    }

    /** A source's status as its trainer reports it: its best and newest checkpoints and its finished epochs. */
    private static TrainingRunStatus saved(String best, String latest, Phase phase, int epochs) {
        TrainingRunStatus status = new TrainingRunStatus();
        status.setPhase(phase);
        CheckpointLocations files = new CheckpointLocations();
        files.setBest(best);
        files.setLatest(latest);
        status.setCheckpoints(files);
        List<EpochResult> finished = new ArrayList<>();
        for (int i = 1; i <= epochs; i++) {
            EpochResult epoch = new EpochResult();
            epoch.setEpoch(i);
            finished.add(epoch);
        }
        status.setEpochs(finished);
        return status;
    }

    @Test
    void aForkOfAnotherArchitectureOrClassCountOrOfItselfFailsForGood() {
        TrainingRun fork = Runs.run("cats", "{model: {numClasses: 3, from: {run: quickstart}}, " + DATA);
        Problem classes = RunValidator.source(fork, name -> Optional.of(Runs.run("quickstart",
                "{model: {numClasses: 4}, " + DATA))).orElseThrow();
        assertEquals("SourceRunMismatch", classes.reason());
        assertTrue(classes.permanent());
        assertEquals("TrainingRun quickstart, named by spec.model.from.run, trains ResNet18 with 4 classes, and this "
                + "run ResNet18 with 3; a fork keeps its source's spec.model.architecture and numClasses. Create the "
                + "run again to match.", classes.message());
        Problem architecture = RunValidator.source(fork, name -> Optional.of(Runs.run("quickstart",
                "{model: {architecture: ResNet50, numClasses: 3}, " + DATA))).orElseThrow();
        assertTrue(architecture.message().contains("trains ResNet50 with 3 classes"), architecture.message());
        TrainingRun self = Runs.run("cats", "{model: {from: {run: cats}}, " + DATA);
        Problem itself = RunValidator.source(self, name -> Optional.of(self)).orElseThrow();
        assertEquals("SourceRunMismatch", itself.reason());
        assertTrue(itself.permanent());
    }

    @Test
    void aMissingDataClaimKeepsTheRunWaitingWithTheFieldNamed() {
        Problem problem = RunValidator.validate(NAMED_CLAIMS, DEFAULTS, Set.of("results")::contains).orElseThrow();
        assertEquals("ClaimNotFound", problem.reason());
        assertFalse(problem.permanent());
        assertEquals("PersistentVolumeClaim \"images\" (spec.data.volume.persistentVolumeClaim.claimName) does not "
                + "exist in namespace ml; the run starts as soon as it does.", problem.message());
    }

    @Test
    void aMissingCheckpointClaimIsNamedToo() {
        Problem problem = RunValidator.validate(NAMED_CLAIMS, DEFAULTS, Set.of("images")::contains).orElseThrow();
        assertTrue(problem.message().startsWith("PersistentVolumeClaim \"results\" (spec.checkpoints.claimName)"),
                problem.message());
    }

    @Test
    void aNameTooLongForItsPodsToNameItFailsTheRun() {
        String volume = "{data: {volume: {nfs: {server: s, path: /d}}}}";
        assertEquals(Optional.empty(), RunValidator.validate(Runs.run("r".repeat(57), volume), DEFAULTS,
                name -> true), "57 characters, a dash and five: a pod name of 63");
        Problem problem = RunValidator.validate(Runs.run("r".repeat(58), volume), DEFAULTS, name -> true)
                .orElseThrow();
        assertEquals("NameTooLong", problem.reason());
        assertTrue(problem.message().startsWith("The run's name has 58 characters; at most 57 are served"),
                problem.message());
        assertTrue(problem.permanent());
    }

    @Test
    void aRunThePolicyRefusesIsNamedForThatBeforeItsClaims() {
        TrainingRun run = Runs.run("cats", """
                {data: {volume: {persistentVolumeClaim: {claimName: images}}},
                 resources: {priorityClassName: system-node-critical}}""");
        Problem problem = RunValidator.validate(run, DEFAULTS, claim -> false).orElseThrow();
        assertEquals(SecurityPolicy.PRIORITY_CLASS_NOT_ALLOWED, problem.reason());
        assertFalse(problem.permanent());
        assertTrue(problem.message().startsWith("spec.resources.priorityClassName: \"system-node-critical\" is not "
                + "allowed by the TrainingRun security policy (policy.priorityClassNames: none)."), problem.message());
    }
}
