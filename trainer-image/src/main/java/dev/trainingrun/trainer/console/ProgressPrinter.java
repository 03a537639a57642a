package dev.trainingrun.trainer.console;

import dev.trainingrun.api.SourceInclude;
import dev.trainingrun.trainer.data.SkippedImage;
import dev.trainingrun.trainer.events.BestEpoch;
import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.events.Interruption;
import dev.trainingrun.trainer.events.ProgressUpdate;
import dev.trainingrun.trainer.events.RunListener;
import dev.trainingrun.trainer.events.RunPlan;
import dev.trainingrun.trainer.events.RunResult;
import dev.trainingrun.trainer.events.SavedStep;
import dev.trainingrun.trainer.events.StartPoint;
import dev.trainingrun.trainer.files.RunDirectory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The console view of a run: where it starts (a fork names its source, a resumed run its checkpoint and any
 * unreadable one passed over), on a terminal a live bar redrawn in place a few times a second, in a log a full line
 * every few seconds; a summary line per epoch (with its checkpoint and the resident memory, which should stay
 * flat; and the stop rule that ends the run after it, if one does), a warning per skipped image, and at the end
 * where the run's files are.
 */
public final class ProgressPrinter implements RunListener {
    private static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    private boolean barShown;

    public ProgressPrinter(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public Duration progressInterval() {
        return terminal ? Duration.ofMillis(200) : Duration.ofSeconds(5);
    }

    @Override
    public void onStart(RunPlan plan) {
        RunPlan.Threads threads = plan.threads();
        out.printf(Locale.ROOT, "%s (%s) on %s with %d intra-op and %d loader threads (%d CPU%s): %d classes %s, %d "
                        + "training and %d validation images, %d epoch%s of %d steps (batch %d), %,d trainable "
                        + "parameters%n",
                plan.architecture(), plan.memoryFormat().label(),
                plan.devices(), threads.intraOp(), threads.loader(), threads.cpus(),
                threads.cpus() == 1 ? "" : "s", plan.classes().size(), plan.classes(), plan.trainImages(),
                plan.validationImages(), plan.epochs(), plan.epochs() == 1 ? "" : "s", plan.stepsPerEpoch(),
                plan.batchSize(), plan.trainableParameters());
        plan.weights().ifPresent(w -> out.printf(Locale.ROOT, "initial weights %s (sha256 %s): %d tensors, %s%n",
                w.file(), w.sha256(), w.tensors(), w.headFromFile() ? "the head (fc) included"
                        : "the head (fc) initialised for " + plan.classes().size() + " classes"));
        StartPoint start = plan.start();
        start.unreadable().forEach(u -> out.println("warning: checkpoint " + u.checkpoint() + " is unreadable, "
                + "trying an older one: " + u.reason()));
        long batches = start.firstEpochProgress().batches();
        boolean ended = !start.finished().isEmpty()
                && start.finished().get(start.finished().size() - 1).stop().isPresent();
        String next = start.firstEpoch() > plan.epochs() || ended ? "nothing left to train"
                // Stopped after the epoch's last step, before its validation: what is left of the epoch is that.
                : batches >= plan.stepsPerEpoch() ? String.format(Locale.ROOT, "epoch %d's %d steps are trained, "
                        + "validating it", start.firstEpoch(), plan.stepsPerEpoch())
                : batches > 0 ? String.format(Locale.ROOT, "continuing epoch %d at step %d/%d", start.firstEpoch(),
                        batches + 1, plan.stepsPerEpoch())
                : "continuing with epoch " + start.firstEpoch();
        int finished = start.finished().size();
        String done = finished == 0 ? "no epoch is done yet" : finished == 1 ? "epoch 1 is done"
                : "epochs 1-" + finished + " are done";
        start.forkedFrom().ifPresent(source -> out.printf(Locale.ROOT, "forked from run %s%s: %s (epoch %d), %s%n",
                source.run(), source.uid() == null ? "" : " (uid " + source.uid() + ")", source.checkpoint(),
                source.epoch(), source.include() == SourceInclude.Weights ? "weights" : "weights and optimiser state"));
        start.checkpoint().ifPresent(checkpoint -> out.printf(Locale.ROOT, "resuming from %s: %s, %s%n", checkpoint,
                done, next));
        if (!start.interruptions().isEmpty()) {
            Interruption last = start.interruptions().get(start.interruptions().size() - 1);
            out.printf(Locale.ROOT, "interruption %d of this run: the last attempt was %s at step %d; %d step(s) "
                    + "(%.1f s of training) redone%n", start.interruptions().size(),
                    Interruption.STOPPED.equals(last.cause()) ? "stopped" : "killed", last.stepReached(),
                    last.stepsRedone(), last.secondsLost());
        }
    }

    @Override
    public void onStepCheckpoint(SavedStep saved) {
        endBar();
        out.printf(Locale.ROOT, "%s: saved %s at epoch %d, step %d, in %.1f s%n",
                saved.reason() == SavedStep.Reason.STOP ? "stopping" : "checkpoint interval", saved.checkpoint(),
                saved.epoch(), saved.batches(), saved.seconds());
    }

    @Override
    public void onProgress(ProgressUpdate p) {
        String line = String.format(Locale.ROOT,
                "epoch %d/%d [%s] %d/%d (%3.0f%%) loss %.4f lr %.3e %.1f img/s run eta %s",
                p.epoch(), p.totalEpochs(), bar(p.epochFraction()), p.samplesSeen(), p.samplesPerEpoch(),
                100 * p.epochFraction(), p.loss(), p.learningRate(), p.imagesPerSecond(),
                p.secondsRemaining() < 0 ? "?" : duration(p.secondsRemaining()));
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
            barShown = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void onSkippedImage(SkippedImage skipped) {
        endBar();
        out.println("warning: skipped unreadable image " + skipped.path() + ": " + skipped.reason());
    }

    @Override
    public void onEpoch(EpochReport report) {
        endBar();
        EpochMetrics m = report.metrics();
        String memory = ResidentMemory.bytes().stream()
                .mapToObj(b -> String.format(Locale.ROOT, ", resident memory %d MiB", b >> 20))
                .findFirst().orElse("");
        out.printf(Locale.ROOT, "epoch %d done in %.1f s: train loss %.4f, val loss %.4f, val accuracy %.2f %% (%d/%d), "
                        + "%.1f img/s%s%s%s%n",
                m.epoch(), m.seconds(), m.trainLoss(), m.valLoss(), 100 * m.valAccuracy(), m.valCorrect(),
                m.valTotal(), m.imagesPerSecond(), m.skippedImages() > 0 ? ", " + m.skippedImages() + " skipped" : "",
                memory, report.checkpoint().map(c -> "; saved " + c).orElse(""));
        report.stop().ifPresent(stop -> out.println("stopping early (" + stop.reason() + "): " + stop.message()));
    }

    @Override
    public void onFinish(RunResult result) {
        endBar();
        if (!result.skipped().isEmpty()) {
            out.println(result.skipped().size() + " unreadable image(s) were skipped; see the warnings above");
        }
        RunDirectory run = new RunDirectory(result.plan().runDirectory());
        BestEpoch best = result.best();
        out.printf(Locale.ROOT, "the run's files are in %s:%n  %s, %s, %s%n  %s (epoch %d), %s%n", run.root(),
                name(run, run.configJson()), name(run, run.metricsJsonl()), name(run, run.curvesPng()),
                name(run, run.bestModel()), best.epoch(), name(run, run.finalModel()));
        result.last().latestCheckpoint().ifPresent(latest -> out.printf(Locale.ROOT, "  latest checkpoint %s%n",
                latest));
        best.checkpoint().ifPresent(checkpoint -> out.printf(Locale.ROOT, "  best checkpoint %s%n", checkpoint));
    }

    private static String name(RunDirectory run, Path file) {
        return run.root().relativize(file).toString();
    }

    private void endBar() {
        if (barShown) {
            out.println();
            barShown = false;
        }
    }

    private static String bar(double fraction) {
        int filled = (int) Math.round(Math.min(1, fraction) * BAR_WIDTH);
        return "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled);
    }

    private static String duration(long seconds) {
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
}
