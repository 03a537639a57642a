package dev.trainingrun.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainingrun.api.StatusOwner.OwnedBy;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every status field has exactly one writer, named on the field itself; the two writers never share one. */
class StatusOwnershipTest {

    @Test
    void everyStatusFieldHasExactlyOneOwner() {
        List<String> problems = new ArrayList<>();
        Set<String> leaves = new TreeSet<>();
        for (Field field : instanceFields(TrainingRunStatus.class)) {
            boolean owned = field.isAnnotationPresent(OwnedBy.class);
            List<Field> inner = instanceFields(field.getType());
            long ownedInner = inner.stream().filter(f -> f.isAnnotationPresent(OwnedBy.class)).count();
            if (owned && ownedInner > 0) {
                problems.add(field.getName() + " and some of its fields both name an owner");
            } else if (owned) {
                leaves.add(field.getName());
            } else if (ownedInner == 0 || ownedInner < inner.size()) {
                problems.add(field.getName() + " names no owner, and not every field of it does");
            } else {
                inner.forEach(f -> leaves.add(field.getName() + "." + f.getName()));
            }
        }
        assertEquals(List.of(), problems);
        Set<String> operator = StatusOwner.OPERATOR.fields();
        Set<String> trainer = StatusOwner.TRAINER.fields();
        Set<String> both = new TreeSet<>(operator);
        both.retainAll(trainer);
        assertEquals(Set.of(), both, "a field with two writers");
        Set<String> all = new TreeSet<>(operator);
        all.addAll(trainer);
        assertEquals(leaves, all);
    }

    @Test
    void theOperatorSaysWhereTheFilesAreAndTheTrainerWhichCheckpointsThereAre() {
        assertTrue(StatusOwner.OPERATOR.fields().containsAll(Set.of("phase", "conditions", "attempts", "pod",
                "checkpoints.claimName", "checkpoints.directory")), StatusOwner.OPERATOR.fields()::toString);
        assertTrue(StatusOwner.TRAINER.fields().containsAll(Set.of("progress", "epochs", "best", "interruptions",
                "checkpoints.latest", "checkpoints.best", "checkpoints.step")), StatusOwner.TRAINER.fields()::toString);
    }

    private static List<Field> instanceFields(Class<?> type) {
        return Arrays.stream(type.getDeclaredFields()).filter(f -> !Modifier.isStatic(f.getModifiers())).toList();
    }
}
