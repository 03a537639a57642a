package dev.trainingrun.trainer.events;

import java.time.Instant;

/**
 * One time the run's training stopped before the run ended and a later attempt continued from a checkpoint.
 *
 * @param cause {@link #STOPPED} when the stopped attempt saved a step checkpoint at its last step, {@link #KILLED}
 *     when it ended without saving (SIGKILL, a lost node, a crash)
 * @param stepReached optimiser steps (since the run began) the stopped attempt had taken
 * @param resumedAt the step the next attempt continues after: its checkpoint's
 * @param stepsRedone steps trained after that checkpoint and so trained again, {@code stepReached - resumedAt}
 * @param secondsLost the training time those steps took the first time
 * @param time when the next attempt found it
 */
public record Interruption(String cause, long stepReached, long resumedAt, long stepsRedone, double secondsLost,
        Instant time) {
    public static final String STOPPED = "Stopped";
    public static final String KILLED = "Killed";
}
