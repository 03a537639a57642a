package dev.trainingrun.trainer.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.trainingrun.trainer.config.TrainingConfig;
import dev.trainingrun.trainer.data.SkippedImage;
import dev.trainingrun.trainer.events.EpochReport;
import dev.trainingrun.trainer.events.RunListener;
import dev.trainingrun.trainer.events.RunPlan;
import dev.trainingrun.trainer.files.AtomicFile;
import dev.trainingrun.trainer.files.IoErrors;
import dev.trainingrun.trainer.files.RunDirectory;
import dev.trainingrun.trainer.files.RunJson;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a person reads in a run's folder: {@code config.json} when the run starts, and after every epoch
 * {@code metrics.jsonl} (one JSON object per epoch, rewritten whole, so a resumed run has each finished epoch once)
 * and {@code curves.png}, each replaced atomically; and {@code skipped-images.jsonl}, a line appended for each image
 * left out as unreadable ({@link SkippedImagesFile}). The picture is a courtesy: if it cannot be drawn (no font on
 * the machine), one warning says why and training goes on without it.
 */
public final class RunFiles implements RunListener {
    private static final ObjectWriter LINE = RunJson.MAPPER.writer();
    private static final ObjectWriter PRETTY = RunJson.MAPPER.writerWithDefaultPrettyPrinter();

    private final RunDirectory run;
    private final TrainingConfig config;
    private final Versions versions;
    private final PrintStream warnings;
    private final List<EpochReport> epochs = new ArrayList<>();
    private RunPlan plan;
    private boolean drawCurves = true;

    public RunFiles(RunDirectory run, TrainingConfig config, Versions versions, PrintStream warnings) {
        this.run = run;
        this.config = config;
        this.versions = versions;
        this.warnings = warnings;
    }

    @Override
    public void onStart(RunPlan plan) {
        this.plan = plan;
        epochs.addAll(plan.start().finished());
        write(run.configJson(), json(PRETTY, ConfigJson.of(config, plan, versions)) + "\n");
        writeEpochFiles();
        try {
            SkippedImagesFile.clear(run.skippedImages());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + run.skippedImages() + ": "
                    + IoErrors.describe(e, run.skippedImages()), e);
        }
    }

    @Override
    public void onSkippedImage(SkippedImage skipped) {
        try {
            SkippedImagesFile.append(run.skippedImages(), skipped);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + run.skippedImages() + ": "
                    + IoErrors.describe(e, run.skippedImages()), e);
        }
    }

    @Override
    public void onEpoch(EpochReport report) {
        epochs.add(report);
        writeEpochFiles();
    }

    private void writeEpochFiles() {
        StringBuilder lines = new StringBuilder();
        epochs.forEach(report -> lines.append(json(LINE, EpochJson.of(report))).append('\n'));
        write(run.metricsJsonl(), lines.toString());
        if (epochs.isEmpty()) {
            delete(run.curvesPng()); // a picture left by an attempt that did not resume
        } else if (drawCurves) {
            drawCurves();
        }
    }

    private void drawCurves() {
        String title = plan.architecture() + " on " + String.join(", ", plan.classes());
        try {
            AtomicFile.write(run.curvesPng(), CurvesChart.png(title,
                    epochs.stream().map(EpochReport::metrics).toList(), plan.epochs()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + run.curvesPng() + ": "
                    + IoErrors.describe(e, run.curvesPng()), e);
        } catch (RuntimeException | Error e) {
            if (e instanceof OutOfMemoryError) {
                throw e;
            }
            // Java's font manager throws an Error ("No physical fonts found") on a machine without any font.
            drawCurves = false;
            warnings.println("warning: no training-curves picture for this run (" + e
                    + "); the Java runtime needs a font, e.g. Debian's fonts-dejavu-core");
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file + ": " + IoErrors.describe(e, file), e);
        }
    }

    private static String json(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run file's record cannot be written as JSON", e);
        }
    }

    private static void write(Path file, String text) {
        try {
            AtomicFile.write(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + IoErrors.describe(e, file), e);
        }
    }
}
