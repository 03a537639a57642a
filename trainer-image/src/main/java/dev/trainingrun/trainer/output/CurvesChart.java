package dev.trainingrun.trainer.output;

import dev.trainingrun.trainer.events.EpochMetrics;
import dev.trainingrun.trainer.files.Png;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The training curves as a PNG, drawn with JFreeChart without a display: training and validation loss above,
 * validation accuracy below, over the run's whole epoch range so the picture keeps its scale as epochs arrive.
 * Text needs a font the Java runtime can find (on Debian, fonts-dejavu-core, which the JRE's dependencies
 * already bring).
 */
public final class CurvesChart {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 640;
    private static final Color TRAIN = new Color(0x1f77b4);
    private static final Color VALIDATION = new Color(0xff7f0e);
    private static final Color ACCURACY = new Color(0x2ca02c);
    /** A little above 100 %, so the markers of a perfect epoch are not cut off by the plot's edge. */
    private static final double ACCURACY_AXIS_TOP = 104;

    private CurvesChart() {}

    /** The picture for {@code epochs} of a run of {@code totalEpochs}. */
    public static byte[] png(String title, List<EpochMetrics> epochs, int totalEpochs) {
        XYSeries trainLoss = new XYSeries("training loss");
        XYSeries valLoss = new XYSeries("validation loss");
        XYSeries valAccuracy = new XYSeries("validation accuracy");
        for (EpochMetrics m : epochs) {
            trainLoss.add(m.epoch(), m.trainLoss());
            valLoss.add(m.epoch(), m.valLoss());
            valAccuracy.add(m.epoch(), 100 * m.valAccuracy());
        }
        XYSeriesCollection losses = new XYSeriesCollection(trainLoss);
        losses.addSeries(valLoss);
        NumberAxis lossAxis = new NumberAxis("loss (cross-entropy)");
        lossAxis.setAutoRangeIncludesZero(true);
        XYPlot lossPlot = new XYPlot(losses, null, lossAxis, lines(TRAIN, VALIDATION));
        NumberAxis accuracyAxis = new NumberAxis("validation accuracy (%)");
        accuracyAxis.setRange(0, ACCURACY_AXIS_TOP);
        XYPlot accuracyPlot = new XYPlot(new XYSeriesCollection(valAccuracy), null, accuracyAxis, lines(ACCURACY));

        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        epochAxis.setRange(0.75, Math.max(1, totalEpochs) + 0.25);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
        plot.setGap(12);
        plot.add(lossPlot, 1);
        plot.add(accuracyPlot, 1);
        for (XYPlot part : List.of(lossPlot, accuracyPlot)) {
            part.setBackgroundPaint(Color.WHITE);
            part.setDomainGridlinePaint(Color.LIGHT_GRAY);
            part.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return Png.encode(chart.createBufferedImage(WIDTH, HEIGHT));
    }

    private static XYLineAndShapeRenderer lines(Color... colors) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < colors.length; i++) {
            renderer.setSeriesPaint(i, colors[i]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        return renderer;
    }
}
