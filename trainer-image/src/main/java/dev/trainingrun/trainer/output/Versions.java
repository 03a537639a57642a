package dev.trainingrun.trainer.output;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The versions that ran a run, recorded in config.json: the trainer's, DJL's, libtorch's and the Java runtime's. */
public record Versions(String trainer, String djl, String pytorch, String java) {
    private static final String RESOURCE = "/dev/trainingrun/trainer/version.properties";

    /** The versions of this process, with {@code engine} the PyTorch engine it trains on. */
    public static Versions of(Engine engine) {
        return new Versions(trainerVersion(), Engine.getDjlVersion(), engine.getVersion(),
                Runtime.version().toString());
    }

    private static String trainerVersion() {
        try (InputStream in = Versions.class.getResourceAsStream(RESOURCE)) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("the trainer's " + RESOURCE + " is unreadable", e);
        }
    }
}
