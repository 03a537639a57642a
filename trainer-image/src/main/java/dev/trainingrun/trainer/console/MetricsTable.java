package dev.trainingrun.trainer.console;

import dev.trainingrun.trainer.events.EpochMetrics;
import java.util.List;
import java.util.Locale;

/** The per-epoch metrics as the plain-text table a run ends with. */
public final class MetricsTable {
    private static final String HEADER = "| epoch | train loss | val loss | val accuracy | learning rate | seconds | img/s |";
    private static final String RULE = "|------:|-----------:|---------:|-------------:|--------------:|--------:|------:|";

    private MetricsTable() {}

    public static String render(List<EpochMetrics> epochs) {
        StringBuilder table = new StringBuilder(HEADER).append('\n').append(RULE).append('\n');
        for (EpochMetrics m : epochs) {
            table.append(String.format(Locale.ROOT, "| %5d | %10.4f | %8.4f | %10.2f %% | %13.3e | %7.1f | %5.1f |%n",
                    m.epoch(), m.trainLoss(), m.valLoss(), 100 * m.valAccuracy(), m.learningRate(), m.seconds(),
                    m.imagesPerSecond()));
        }
        return table.toString();
    }
}
