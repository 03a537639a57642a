package dev.trainingrun.trainer;

import dev.trainingrun.api.FieldProblem;
import dev.trainingrun.api.TrainingRun;
import dev.trainingrun.api.TrainingRunValidator;
import java.util.List;

/**
 * What the trainer refuses in a manifest before it trains: everything the API server would refuse on create, checked
 * by the API's own validator against the CRD (a manifest read from disk never went through an API server, and one
 * built in Java may not have either), then what only the trainer knows to refuse.
 */
final class ManifestValidator {
    private ManifestValidator() {}

    /** Every problem found, each naming its field; empty when the trainer can run the manifest. */
    static List<String> problems(TrainingRun run) {
        return TrainingRunValidator.bundled().validateCreate(run).stream().map(FieldProblem::toString).toList();
    }
}
