package dev.trainingrun.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainingrun.api.FieldProblem.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the API server checks in a custom resource's {@code metadata} on create, which the CRD's schema does not
 * declare: strict field validation's unknown fields, then k8s.io/apimachinery's {@code ValidateObjectMetaAccessor}
 * as apiextensions-apiserver calls it (a name that is a DNS subdomain, {@code NameIsDNSSubdomain}), with its label and
 * annotation rules ({@code ValidateLabels}, {@code ValidateAnnotations}; {@code IsQualifiedName},
 * {@code IsValidLabelValue}). The fields the API server sets itself (uid, resourceVersion, ...) are left alone, as a
 * create ignores them.
 */
final class ObjectMetaChecks {
    /** ObjectMeta's fields (k8s.io/apimachinery {@code metav1.ObjectMeta}), by their JSON names. */
    private static final Set<String> FIELDS = Set.of("name", "generateName", "namespace", "selfLink", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "labels", "annotations", "ownerReferences", "finalizers", "managedFields");
    /** ObjectMeta's fields a manifest sets that are strings, and maps of strings to strings. */
    private static final Set<String> STRINGS = Set.of("name", "generateName", "namespace");
    private static final Set<String> MAPS_OF_STRINGS = Set.of("labels", "annotations");
    private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(DNS_LABEL + "(\\." + DNS_LABEL + ")*");
    private static final int DNS_SUBDOMAIN_MAX = 253;
    private static final Pattern QUALIFIED_NAME_PART = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final int NAME_PART_MAX = 63;
    private static final int ANNOTATIONS_MAX_BYTES = 256 * 1024;

    private ObjectMetaChecks() {}

    /**
     * What refuses the object before it is validated: fields ObjectMeta does not have, as strict field validation
     * names them, and values the API server cannot decode into ObjectMeta (a label given as a number), which it names
     * by ObjectMeta's field.
     */
    static List<FieldProblem> undecodable(JsonNode metadata) {
        List<FieldProblem> problems = new ArrayList<>();
        metadata.properties().forEach(field -> {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (!FIELDS.contains(name)) {
                problems.add(new FieldProblem("metadata." + name, Type.UNKNOWN_FIELD,
                        "unknown field, ObjectMeta has " + String.join(", ", FIELDS.stream().sorted().toList())));
            } else if (STRINGS.contains(name) && !value.isTextual() && !value.isNull()) {
                problems.add(new FieldProblem("metadata." + name, Type.TYPE_INVALID, Type.TYPE_INVALID.words()
                        + ": " + value + ": expected a string"));
            } else if (MAPS_OF_STRINGS.contains(name) && !value.isNull() && (!value.isObject()
                    || value.properties().stream().anyMatch(entry -> !entry.getValue().isTextual()))) {
                problems.add(new FieldProblem("metadata." + name, Type.TYPE_INVALID, Type.TYPE_INVALID.words()
                        + ": " + value + ": expected a map of strings to strings"));
            }
        });
        return problems;
    }

    /** The problems of {@code metadata} on create, once it has decoded ({@link #undecodable} found nothing). */
    static List<FieldProblem> of(JsonNode metadata) {
        List<FieldProblem> problems = new ArrayList<>();
        String name = metadata.path("name").asText("");
        if (name.isEmpty() && metadata.path("generateName").asText("").isEmpty()) {
            problems.add(new FieldProblem("metadata.name", Type.REQUIRED,
                    Type.REQUIRED.words() + ": name or generateName is required"));
        } else if (!name.isEmpty()) {
            dnsSubdomain(name).ifPresent(why -> problems.add(invalid("metadata.name", name, why)));
        }
        strings(metadata.path("labels")).forEach((key, value) -> {
            qualifiedName(key).ifPresent(why -> problems.add(invalid("metadata.labels", key, why)));
            if (value.length() > NAME_PART_MAX || !value.isEmpty() && !QUALIFIED_NAME_PART.matcher(value).matches()) {
                problems.add(invalid("metadata.labels", value, "a valid label must be an empty string or consist of "
                        + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                        + "character, at most " + NAME_PART_MAX + " characters"));
            }
        });
        long bytes = 0;
        for (Map.Entry<String, String> annotation : strings(metadata.path("annotations")).entrySet()) {
            qualifiedName(annotation.getKey().toLowerCase(Locale.ROOT))
                    .ifPresent(why -> problems.add(invalid("metadata.annotations", annotation.getKey(), why)));
            bytes += annotation.getKey().getBytes(StandardCharsets.UTF_8).length
                    + annotation.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > ANNOTATIONS_MAX_BYTES) {
            problems.add(new FieldProblem("metadata.annotations", Type.TOO_LONG, Type.TOO_LONG.words()
                    + ": must have at most " + ANNOTATIONS_MAX_BYTES + " bytes"));
        }
        return problems;
    }

    /** The entries of a map of strings (none when it is left out). */
    private static Map<String, String> strings(JsonNode map) {
        Map<String, String> entries = new LinkedHashMap<>();
        map.properties().forEach(entry -> entries.put(entry.getKey(), entry.getValue().asText()));
        return entries;
    }

    private static Optional<String> dnsSubdomain(String value) {
        if (value.length() > DNS_SUBDOMAIN_MAX) {
            return Optional.of("must be no more than " + DNS_SUBDOMAIN_MAX + " characters");
        }
        return DNS_SUBDOMAIN.matcher(value).matches() ? Optional.empty() : Optional.of("a lowercase RFC 1123 "
                + "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
                + "with an alphanumeric character (e.g. 'example.com')");
    }

    /** A label's or annotation's key: a name of at most 63 characters, after an optional DNS subdomain and '/'. */
    private static Optional<String> qualifiedName(String key) {
        int slash = key.indexOf('/');
        String part = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            Optional<String> badPrefix = prefix.isEmpty() ? Optional.of("prefix part must be non-empty")
                    : dnsSubdomain(prefix).map(why -> "prefix part " + why);
            if (badPrefix.isPresent()) {
                return badPrefix;
            }
        }
        if (part.isEmpty()) {
            return Optional.of("name part must be non-empty");
        }
        if (part.length() > NAME_PART_MAX) {
            return Optional.of("name part must be no more than " + NAME_PART_MAX + " characters");
        }
        return QUALIFIED_NAME_PART.matcher(part).matches() ? Optional.empty() : Optional.of("name part must consist "
                + "of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                + "character");
    }

    private static FieldProblem invalid(String field, String value, String why) {
        return new FieldProblem(field, Type.INVALID, Type.INVALID.words() + ": \"" + value + "\": " + why);
    }
}
