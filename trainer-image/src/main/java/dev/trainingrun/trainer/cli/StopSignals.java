package dev.trainingrun.trainer.cli;

import dev.trainingrun.api.TrainerExitCode;
import dev.trainingrun.trainer.engine.StopRequest;
import java.io.PrintStream;
import java.util.List;
import sun.misc.Signal;

/**
 * Turns SIGTERM (what Kubernetes sends a pod it stops) and SIGINT (Ctrl-C) into a {@link StopRequest}: training
 * saves a step checkpoint at the next step boundary, a benchmark stops measuring and removes what it made, and the
 * process exits with {@link TrainerExitCode#STOPPED}. A second signal ends the process at once, for a person who does
 * not want to wait.
 *
 * <p>{@code sun.misc.Signal} rather than a shutdown hook: a hook runs while the JVM is already shutting down, beside
 * the other hooks, and {@code System.exit} from the training thread would then block; a handler only sets the
 * request, and the trainer ends the normal way with its own exit code.
 */
final class StopSignals {
    private StopSignals() {}

    /** @param stopping what the command does now, printed after the signal's name */
    static StopRequest install(PrintStream err, String stopping) {
        StopRequest stop = new StopRequest();
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> {
                if (stop.requested()) {
                    err.println("SIG" + name + " again: exiting now, without saving");
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                }
                err.println("SIG" + name + ": " + stopping);
                stop.request("SIG" + name);
            });
        }
        return stop;
    }
}
