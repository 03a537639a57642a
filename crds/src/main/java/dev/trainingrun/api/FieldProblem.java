package dev.trainingrun.api;

/**
 * One reason a TrainingRun would be refused, in the API server's terms: the field's path as the API server writes it
 * ({@code spec.training.epochs}, {@code spec.resources.tolerations[0].key}; empty for a problem of the whole object),
 * the kind of problem, and what was expected, e.g. {@code spec.training.epochs: Invalid value: 0: should be greater
 * than or equal to 1}.
 *
 * @param field the field's path, or "" when the problem is not about one field
 * @param type the kind of problem, as the API server classifies it
 * @param message what is wrong and what was expected, beginning with the type's words where the API server's does
 */
public record FieldProblem(String field, Type type, String message) {

    /**
     * The API server's kinds of field problem (k8s.io/apimachinery {@code field.ErrorType}) that a create can meet,
     * with the words its messages start with.
     */
    public enum Type {
        /** A field the schema does not declare (the API server's strict field validation). */
        UNKNOWN_FIELD("unknown field", false),
        /** A value of another JSON type than the schema's. */
        TYPE_INVALID("Invalid value", true),
        /** A required field left out. */
        REQUIRED("Required value", true),
        /** A value outside the schema's enum. */
        NOT_SUPPORTED("Unsupported value", true),
        /** A string longer than its maxLength. */
        TOO_LONG("Too long", true),
        /** More items or properties than maxItems or maxProperties allow. */
        TOO_MANY("Too many", true),
        /** Any other value the schema or a validation rule refuses. */
        INVALID("Invalid value", false),
        /** A value a validation rule forbids (reason FieldValueForbidden). */
        FORBIDDEN("Forbidden", false),
        /** A value a validation rule calls a duplicate (reason FieldValueDuplicate). */
        DUPLICATE("Duplicate value", false);

        private final String words;
        private final boolean blocksRules;

        Type(String words, boolean blocksRules) {
            this.words = words;
            this.blocksRules = blocksRules;
        }

        /** How the API server's message for this kind begins, e.g. {@code Required value}. */
        public String words() {
            return words;
        }

        /**
         * Whether the API server skips the CEL rules when the object has a problem of this kind, because the rules
         * could meet values of the wrong type or size (apiextensions-apiserver {@code hasBlockingErr}).
         */
        boolean blocksRules() {
            return blocksRules;
        }
    }

    /** The path of field {@code name} of the object at {@code parent} ("" for the resource itself). */
    static String child(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }

    /** The path of item {@code index} of the list at {@code parent}. */
    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** The path of the value under {@code key} of the map at {@code parent}, as CEL rule problems name it. */
    static String key(String parent, String key) {
        return parent + "[" + key + "]";
    }

    /** As the API server prints it: {@code field: message}, or only the message for the whole object. */
    @Override
    public String toString() {
        return field.isEmpty() ? message : field + ": " + message;
    }
}
