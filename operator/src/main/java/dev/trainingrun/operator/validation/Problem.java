package dev.trainingrun.operator.validation;

/**
 * Why a run that the API server accepted cannot start. A permanent problem fails the run; any other keeps it
 * Pending until the cluster changes (a missing claim is created, the operator restarts with a policy that allows
 * the run), and the operator retries on that change.
 *
 * @param reason a CamelCase word for conditions and Events
 * @param message what is wrong and what to do, for people
 */
public record Problem(String reason, String message, boolean permanent) {}
