package dev.trainingrun.operator.validation;

/**
 * Why a run that the API server accepted cannot start or go on. A permanent problem fails the run; any other makes it
 * stuck (Pending, if its Job does not exist yet) until the cluster changes: a missing claim is created, a quota
 * is raised, the operator restarts with a policy that allows the run. The operator retries on that change, or with
 * back-off when no event will tell it.
 *
 * @param reason a CamelCase word for conditions and Events
 * @param message what is wrong and what to do, for people
 */
public record Problem(String reason, String message, boolean permanent) {}
