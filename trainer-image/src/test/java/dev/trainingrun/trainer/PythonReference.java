package dev.trainingrun.trainer;

import dev.trainingrun.testing.Command;
import dev.trainingrun.testing.Prerequisite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Python references the trainer is compared with (PIL, torch, torchvision), run by Debian's interpreter, where
 * apt installs them ({@code TRAINER_TEST_PYTHON} names another), with the scripts in {@code src/test/python}.
 */
public final class PythonReference {
    public static final String PYTHON = System.getenv().getOrDefault("TRAINER_TEST_PYTHON", "/usr/bin/python3");
    private static final Path SCRIPTS = Path.of("src/test/python");
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(1);
    /** Per import statement: why it fails, or "" when it works; asked once per JVM. */
    private static final Map<String, String> MISSING = new ConcurrentHashMap<>();

    private PythonReference() {}

    /**
     * Lets the test go on when the interpreter imports {@code modules} (comma-separated); otherwise skips it, or
     * fails it under CI=true, with what the test does with them ({@code purpose}) and the {@code packages} to install.
     */
    public static void require(String modules, String purpose, String packages) {
        String missing = MISSING.computeIfAbsent(modules, PythonReference::probe);
        Prerequisite.require(missing.isEmpty() ? null : missing + ". " + purpose + "; install " + packages
                + " (hack/test does) or set TRAINER_TEST_PYTHON.");
    }

    /** Runs a script of src/test/python with arguments; returns what it printed, or throws with it. */
    public static String run(Duration timeout, String script, String... arguments) {
        List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPTS.resolve(script).toString()));
        command.addAll(List.of(arguments));
        return Command.run(timeout, null, Map.of(), command).orThrow().output();
    }

    private static String probe(String modules) {
        try {
            Command.Result result = Command.run(PROBE_TIMEOUT, null, Map.of(), List.of(PYTHON, "-c",
                    "import " + modules));
            return result.succeeded() ? "" : PYTHON + " cannot import " + modules + ": " + result.output().strip();
        } catch (RuntimeException e) {
            return PYTHON + " cannot be run: " + e.getMessage();
        }
    }
}
