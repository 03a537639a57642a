package dev.trainingrun.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.trainer.generate.ShapesDataSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class folder named "café" under the C locale, as a script or a cron job starts the trainer: Java decodes file
 * names by the locale's character set, so the launcher runs it under a UTF-8 locale, and a JVM started otherwise
 * names the folder it cannot read instead of failing with a trace.
 */
class LocaleTest {
    private static final long TIMEOUT_MINUTES = 3;

    @TempDir
    Path dir;

    @BeforeEach
    void writeDataWithANonAsciiClass() throws IOException {
        ShapesDataSet.write(dir.resolve("data"), new ShapesDataSet.Spec(3, 4, 2, 32, 0));
        for (String split : List.of("train", "val")) {
            Files.move(dir.resolve("data").resolve(split).resolve("circle"),
                    dir.resolve("data").resolve(split).resolve("café"));
        }
        Files.writeString(dir.resolve("run.yaml"), """
                apiVersion: trainingrun.dev/v1alpha1
                kind: TrainingRun
                metadata: {name: locale}
                spec:
                  model: {numClasses: 3}
                  data: {volume: {persistentVolumeClaim: {claimName: d}}, imageSize: 32, loaderThreads: 1}
                  training: {epochs: 1, batchSize: 4, warmupEpochs: 0}
                  resources: {gpus: 0}
                """);
    }

    /** The launcher as the image lays it out (Jib's class path and main class files beside bin/), from the build. */
    @Test
    void theLauncherTrainsOnANonAsciiClassUnderTheCLocale() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app/bin")).getParent();
        Files.copy(Path.of("bin/trainer"), app.resolve("bin/trainer"));
        Files.writeString(app.resolve("jib-classpath-file"), "\"" + classPath() + "\"");
        Files.writeString(app.resolve("jib-main-class-file"), TrainerCommand.class.getName());
        Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        Result result = run(List.of(app.resolve("bin/trainer").toString()),
                Map.of("PATH", javaBin + ":" + System.getenv("PATH")));
        assertEquals(TrainerExitCode.SUCCEEDED.code(), result.exitCode(), result.log());
        assertTrue(result.log().contains("3 classes [café, square, triangle]"), result.log());
    }

    @Test
    void aJavaStartedUnderTheCLocaleNamesTheFolderItCannotRead() throws Exception {
        Result result = run(Cli.inItsOwnJvm(List.of()), Map.of());
        assertEquals(TrainerExitCode.INVALID_INPUT.code(), result.exitCode(), result.log());
        assertTrue(result.log().contains("error: spec.data.trainDir: the name of " + dir.resolve("data/train/caf"))
                && result.log().contains("cannot be decoded in this process's character set"), result.log());
        TrainCommandTest.assertWithoutJava(result.log());
    }

    private record Result(int exitCode, String log) {}

    private Result run(List<String> command, Map<String, String> environment) throws Exception {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of("train", dir.resolve("run.yaml").toString(), "--data", dir.resolve("data").toString(),
                "--output", dir.resolve("out").toString()));
        ProcessBuilder builder = new ProcessBuilder(all).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile());
        builder.environment().keySet().removeAll(List.of("LANG", "LC_CTYPE", "LANGUAGE"));
        builder.environment().put("LC_ALL", "C");
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertTrue(process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES), "the trainer did not finish");
        return new Result(process.exitValue(), Files.readString(dir.resolve("log"), StandardCharsets.UTF_8));
    }

    private static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }
}
