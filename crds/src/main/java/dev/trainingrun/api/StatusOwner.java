package dev.trainingrun.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;

/**
 * The two writers of a TrainingRun's status. Each writes with server-side apply under its own field manager and owns
 * only its own fields (an apply removes what its manager stops sending, so two writers of one field would undo each
 * other). Every status field says which writer owns it with {@link OwnedBy}; tests on both sides hold each writer to
 * its fields.
 */
public enum StatusOwner {
    /** The operator: phase, conditions, Job and pod bookkeeping, and where the run's files are. */
    OPERATOR(StatusOwner.OPERATOR_FIELD_MANAGER),
    /** The trainer inside the training pod: progress, epochs, the best epoch, checkpoints and interruptions. */
    TRAINER(StatusOwner.TRAINER_FIELD_MANAGER);

    /** The field managers, as constants for annotations ({@code @ControllerConfiguration(fieldManager = ...)}). */
    public static final String OPERATOR_FIELD_MANAGER = "trainingrun-operator";
    public static final String TRAINER_FIELD_MANAGER = "trainingrun-trainer";

    private final String fieldManager;

    StatusOwner(String fieldManager) {
        this.fieldManager = fieldManager;
    }

    /** The field manager its server-side applies use. */
    public String fieldManager() {
        return fieldManager;
    }

    /**
     * The status fields this writer owns, as JSON paths below {@code status} ({@code phase},
     * {@code checkpoints.claimName}): a field of {@link TrainingRunStatus}, or a field of a status object whose
     * owners differ field by field.
     */
    public Set<String> fields() {
        Set<String> fields = new TreeSet<>();
        for (Field field : TrainingRunStatus.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            OwnedBy owner = field.getAnnotation(OwnedBy.class);
            if (owner != null) {
                if (owner.value() == this) {
                    fields.add(field.getName());
                }
                continue;
            }
            for (Field inner : field.getType().getDeclaredFields()) {
                OwnedBy innerOwner = inner.getAnnotation(OwnedBy.class);
                if (innerOwner != null && innerOwner.value() == this) {
                    fields.add(field.getName() + "." + inner.getName());
                }
            }
        }
        return fields;
    }

    /** The owner of a status field, or of every field of a status object that names no owner of its own. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface OwnedBy {
        StatusOwner value();
    }
}
