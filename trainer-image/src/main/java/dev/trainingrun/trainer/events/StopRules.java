package dev.trainingrun.trainer.events;

import dev.trainingrun.api.EarlyStop;
import dev.trainingrun.api.StopReason;
import dev.trainingrun.api.StopWhen;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * {@code spec.training.stopWhen}: whether a run ends after an epoch, from that epoch's metrics and the run's best
 * epoch at that point ({@link RunHistory} decides what "best" means). A pure function of the history, so a resumed
 * run decides as the run that never stopped would, counting epochs without improvement from its first epoch.
 *
 * @param validationAccuracy the target, a fraction from 0 to 1; empty without one
 * @param epochsWithoutImprovement the patience in epochs; empty without one
 */
public record StopRules(OptionalDouble validationAccuracy, OptionalInt epochsWithoutImprovement) {
    /** No rule: every epoch is trained. */
    public static final StopRules NONE = new StopRules(OptionalDouble.empty(), OptionalInt.empty());

    /** The rules of a manifest's {@code spec.training.stopWhen}, which may be {@code null}. */
    public static StopRules of(StopWhen stopWhen) {
        if (stopWhen == null) {
            return NONE;
        }
        return new StopRules(
                stopWhen.getValidationAccuracy() == null ? OptionalDouble.empty()
                        : OptionalDouble.of(stopWhen.getValidationAccuracy()),
                stopWhen.getEpochsWithoutImprovement() == null ? OptionalInt.empty()
                        : OptionalInt.of(stopWhen.getEpochsWithoutImprovement()));
    }

    /**
     * Whether the run stops after {@code epoch}, with {@code best} the best epoch of the run up to and including it;
     * the target is checked first. Equal accuracy and loss are no improvement (the earlier epoch stays the best).
     */
    public Optional<EarlyStop> check(EpochMetrics epoch, BestEpoch best) {
        if (validationAccuracy.isPresent() && epoch.valAccuracy() >= validationAccuracy.getAsDouble()) {
            return Optional.of(new EarlyStop(StopReason.TargetReached, String.format(Locale.ROOT,
                    "validation accuracy %.2f %% (%d/%d) at epoch %d reached the target of %.2f %% "
                            + "(spec.training.stopWhen.validationAccuracy %s).",
                    100 * epoch.valAccuracy(), epoch.valCorrect(), epoch.valTotal(), epoch.epoch(),
                    100 * validationAccuracy.getAsDouble(), validationAccuracy.getAsDouble())));
        }
        int without = epoch.epoch() - best.epoch();
        if (epochsWithoutImprovement.isPresent() && without >= epochsWithoutImprovement.getAsInt()) {
            return Optional.of(new EarlyStop(StopReason.NoImprovement, String.format(Locale.ROOT,
                    "%d epoch(s) in a row brought no new best after epoch %d (validation accuracy %.2f %%), "
                            + "stopped at epoch %d (spec.training.stopWhen.epochsWithoutImprovement %d).",
                    without, best.epoch(), 100 * best.valAccuracy(), epoch.epoch(),
                    epochsWithoutImprovement.getAsInt())));
        }
        return Optional.empty();
    }
}
